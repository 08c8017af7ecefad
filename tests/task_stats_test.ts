import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { busy, fails, sleep } from "./fixtures/timing_tasks.ts";

describe("stats().tasks", () => {
  it("reports run and wait distributions that match known sleeps", async () => {
    const pool = createPool({ threads: 1, taskTimings: true })({ busy, sleep, fails });
    try {
      await pool.call.sleep(1); // the worker is ready from here on
      // Four calls of 15 ms, run one after another by one worker: they wait about 0, 15, 30, 45.
      await Promise.all([15, 15, 15, 15].map((ms) => pool.call.busy(ms)));
      await Promise.all([20, 20].map((ms) => pool.call.sleep(ms)));
      await assert.rejects(pool.call.fails());
      const { tasks } = pool.stats();
      assert.deepEqual(Object.keys(tasks), ["busy", "sleep", "fails"]);
      const b = tasks.busy;
      assert.equal(b.calls, 4);
      // Timers and waits may end up to a millisecond early against another thread's clock.
      assert.ok(b.run.p50 >= 14 && b.run.p50 <= b.run.max, JSON.stringify(b));
      assert.ok(b.run.p99 >= b.run.p50 && b.run.p99 <= b.run.max, JSON.stringify(b));
      assert.ok(b.wait.max >= 3 * 14, JSON.stringify(b));
      assert.ok(b.wait.p50 >= 14 && b.wait.p50 <= b.wait.max, JSON.stringify(b));
      const s = tasks.sleep;
      assert.equal(s.calls, 3);
      assert.ok(s.run.max >= 19 && s.run.p99 === s.run.max, JSON.stringify(s));
      assert.equal(tasks.fails.calls, 1);
      assert.ok(tasks.fails.run.max < b.run.p50, JSON.stringify(tasks.fails));
    } finally {
      await pool.shutdown();
    }
  });

  it("is empty without taskTimings, and the option is checked", async () => {
    const pool = createPool({ threads: 1 })({ sleep });
    try {
      assert.equal(await pool.call.sleep(1), 1);
      assert.deepEqual(pool.stats().tasks, {});
      assert.equal(pool.stats().completed, 1);
    } finally {
      await pool.shutdown();
    }
    assert.throws(
      () => createPool({ taskTimings: "yes" } as never),
      /taskTimings must be a boolean, received "yes"/,
    );
  });
});
