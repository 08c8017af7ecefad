import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool, TimeoutError } from "../mod.ts";
import {
  countAndHold,
  echo,
  fail,
  inTurn,
  onHost,
  untilAborted,
} from "./fixtures/controls_tasks.ts";

/** Waits (by polling shared memory) until `done()` holds; 10 s at most. */
async function until(done: () => boolean, what: string): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A held worker call and the way to release it. */
function holder(): { counter: SharedArrayBuffer; started: () => boolean; release: () => void } {
  const counter = new SharedArrayBuffer(8);
  const words = new Int32Array(counter);
  return {
    counter,
    started: () => Atomics.load(words, 0) >= 1,
    release: () => {
      Atomics.store(words, 1, 1);
      Atomics.notify(words, 1);
    },
  };
}

describe("the inline lane", () => {
  it("takes calls only once more than dispatchThreshold are in flight, a batch at most", async () => {
    const pool = createPool({
      threads: 1,
      inliner: { position: "first", dispatchThreshold: 2, batchSize: 4 },
    })({ onHost, countAndHold });
    const hold = holder();
    try {
      assert.equal(await pool.call.onHost(), false, "below the threshold: a worker");
      const held = pool.call.countAndHold(hold.counter);
      await until(hold.started, "the worker is held");
      // One call in flight: the next still goes to the worker (it waits behind the held one).
      const second = pool.call.onHost();
      // Two in flight: past the threshold, calls go inline while the host's batch has room.
      const burst = Array.from({ length: 10 }, () => pool.call.onHost());
      const inline = await Promise.all(burst.slice(0, 4));
      assert.deepEqual(inline, [true, true, true, true]);
      hold.release();
      assert.equal(await second, false);
      assert.deepEqual(await Promise.all(burst.slice(4)), Array(6).fill(false));
      assert.notEqual(await held, 0);
    } finally {
      hold.release();
      await pool.shutdown();
    }
  });

  it("at position last, takes a call only while no worker is idle", async () => {
    const pool = createPool({ threads: 1, inliner: { position: "last" } })({
      onHost,
      countAndHold,
    });
    const hold = holder();
    try {
      // While the worker starts it is not idle either: calls go inline until it is ready.
      const start = performance.now();
      while (await pool.call.onHost()) {
        if (performance.now() - start > 10_000) assert.fail("the worker never took a call");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const held = pool.call.countAndHold(hold.counter);
      await until(hold.started, "the worker is held");
      assert.equal(await pool.call.onHost(), true);
      hold.release();
      await held;
      assert.equal(await pool.call.onHost(), false);
    } finally {
      hold.release();
      await pool.shutdown();
    }
  });

  it("with threads 0 runs every call on the host, with a worker call's semantics", async () => {
    const pool = createPool({ threads: 0, inliner: {} })({ onHost, echo, fail, untilAborted });
    try {
      assert.equal(pool.stats().threads, 0);
      assert.equal(await pool.call.onHost(), true);
      // The argument and the result are copies, as across threads.
      const value = { list: [1, 2], when: new Date(0), big: 2n ** 70n };
      const back = await pool.call.echo(Promise.resolve(value));
      assert.deepEqual(back, value);
      assert.notEqual(back, value);
      await assert.rejects(pool.call.fail("bad"), { name: "RangeError", message: "bad" });
      await assert.rejects(pool.call.echo({ f: () => 1 }), {
        name: "TypeError",
        message: /arg\.f/,
      });
      const controller = new AbortController();
      const aborted = pool.call.untilAborted(undefined, { signal: controller.signal });
      controller.abort(new Error("stop"));
      await assert.rejects(aborted, { message: "stop" });
      await assert.rejects(pool.call.untilAborted(undefined, { timeout: 10 }), TimeoutError);
      assert.equal(pool.stats().running, 0);
    } finally {
      await pool.shutdown();
    }
  });

  it("never runs more than batchSize calls in one turn of the event loop", async () => {
    const pool = createPool({ threads: 0, inliner: { batchSize: 8 } })({ inTurn });
    try {
      const turns = await Promise.all(Array.from({ length: 40 }, () => pool.call.inTurn()));
      assert.equal(Math.max(...turns), 8);
    } finally {
      await pool.shutdown();
    }
  });

  it("refuses threads 0 without an inliner", () => {
    assert.throws(() => createPool({ threads: 0 }), {
      name: "RangeError",
      message:
        "Cannot create pool: threads must be at least 1 without an inliner (which runs calls on the host), received 0 (a number)",
    });
  });
});
