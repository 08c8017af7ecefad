/**
 * The load suite: many calls with tight limits at once. Timeouts must never discard a result that
 * was produced in time, their clock must not run while a worker starts, healthy workers must not
 * be replaced, no call may wait behind a stuck lane, and the host's event loop must stay
 * responsive. Worker and host agree through shared memory (finish times, counters), not sleeps.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { createPool, TimeoutError } from "../mod.ts";
import { block, busy, inc, sharedNow, spin } from "./fixtures/load_tasks.ts";
import { instant } from "./fixtures/slow_start_tasks.ts";

/** OS threads of this process (Linux), or undefined where `/proc` does not list them. */
function osThreads(): number | undefined {
  return existsSync("/proc/self/task") ? readdirSync("/proc/self/task").length : undefined;
}

/** Waits (polling a count the OS or the pool keeps) until `done()` holds; fails after 10 s. */
async function until(done: () => boolean, what: () => string): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("timeouts under load", () => {
  it("resolves the calls of a long group that finished inside their timeout", async () => {
    const pool = createPool({ threads: 1 })({ busy, inc });
    try {
      assert.equal(await pool.call.inc(1), 2);
      const count = 20;
      const finished = new Float64Array(new SharedArrayBuffer(count * 8));
      const start = sharedNow();
      const results = await Promise.allSettled(
        Array.from({ length: count }, (_, i) => pool.call.busy([2, finished, i], { timeout: 30 })),
      );
      // One more call on the one worker: every task before it has returned.
      assert.equal(await pool.call.inc(2), 3);
      let resolved = 0;
      for (let i = 0; i < count; i++) {
        const r = results[i];
        // Each clock started after `start`; 1 ms of slack for the threads' clocks.
        if (finished[i] !== 0 && finished[i] < start + 29) {
          assert.deepEqual(r, { status: "fulfilled", value: i }, `call ${i} finished in time`);
        }
        if (finished[i] === 0) {
          assert.equal(r.status, "rejected", `call ${i} never ran`);
          assert.ok((r as PromiseRejectedResult).reason instanceof TimeoutError);
        }
        if (r.status === "fulfilled") resolved++;
      }
      const times = Array.from(finished, (t) => t === 0 ? "-" : (t - start).toFixed(1));
      assert.ok(
        resolved > 0 || finished[0] >= start + 29,
        `no call finished in time; finished at ${times.join(" ")} ms`,
      );
    } finally {
      await pool.shutdown();
    }
  });

  it("starts the clock once the worker is ready, not while its modules load", async () => {
    // The module's top-level await takes 500 ms in each worker.
    const pool = createPool({ threads: 1 })({ instant });
    try {
      assert.equal(await pool.call.instant(7, { timeout: 300 }), 7);
    } finally {
      await pool.shutdown();
    }
  });

  it("does not count a fresh pool's start-up against its first call", async () => {
    const pool = createPool({ threads: 1 })({ inc });
    try {
      assert.equal(await pool.call.inc(1, { timeout: 30 }), 2);
    } finally {
      await pool.shutdown();
    }
  });
});

describe("replacing stuck workers", () => {
  it("replaces no worker when calls time out but no task overruns its own time", async () => {
    const pool = createPool({ threads: 1 })({ spin, inc });
    try {
      assert.equal(await pool.call.inc(1), 2);
      const results = await Promise.allSettled(
        Array.from({ length: 1_500 }, () => pool.call.spin(3, { timeout: 2 })),
      );
      for (const r of results) {
        assert.ok(r.status === "fulfilled" ? r.value === 3 : r.reason instanceof TimeoutError);
      }
      // Each timed-out call had to stop within 1 s of its timeout; each ran 3 ms.
      assert.equal(await pool.call.inc(2, { timeout: 1_000 }), 3);
      assert.equal(pool.stats().respawns, 0);
    } finally {
      await pool.shutdown();
    }
  });

  it("ends the thread of every worker it replaces", {
    skip: osThreads() === undefined ? "no /proc/self/task" : false,
  }, async () => {
    const before = osThreads()!;
    const pool = createPool({ threads: 1, timeoutGrace: 30 })({ block, inc });
    try {
      assert.equal(await pool.call.inc(1), 2);
      const running = osThreads()!;
      for (let k = 1; k <= 3; k++) {
        // The task blocks until released (10 s at most), ignoring its signal: after its timeout
        // and the grace period its worker is replaced.
        const counts = new Int32Array(new SharedArrayBuffer(8));
        const stuck = pool.call.block([counts, 10_000], { timeout: 20 });
        await assert.rejects(stuck, TimeoutError);
        await until(() => pool.stats().respawns === k, () => `respawn ${k}`);
        assert.equal(await pool.call.inc(k), k + 1);
        // Where ending a thread in a synchronous task is not possible (Deno), the old worker
        // leaves once its task returns.
        Atomics.store(counts, 1, 1);
        Atomics.notify(counts, 1);
        await until(
          () => osThreads()! <= running,
          () => `the replaced thread ended (${osThreads()} threads, ${running} with one worker)`,
        );
      }
      assert.equal(pool.stats().threads, 1);
    } finally {
      await pool.shutdown();
    }
    await until(
      () => osThreads()! <= before,
      () => `the pool's threads ended (${osThreads()} threads, ${before} before)`,
    );
  });
});
