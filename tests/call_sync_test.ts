import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPool, TimeoutError } from "../mod.ts";
import { add, echo, fail } from "./fixtures/basic_tasks.ts";
import { busy, sleep } from "./fixtures/timing_tasks.ts";

describe("pool.callSync", () => {
  const pool = createPool({ threads: 2 })({ add, echo, fail, busy, sleep });
  before(() => pool.broadcast.add([0, 0]));
  after(() => pool.shutdown());

  it("blocks until the worker returns, and returns its result", () => {
    assert.equal(pool.callSync.add([1, 2]), 3);
    assert.deepEqual(pool.callSync.echo({ a: [1, 2n], m: new Map([[1, "x"]]) }), {
      a: [1, 2n],
      m: new Map([[1, "x"]]),
    });
    // An async task is awaited in the worker.
    assert.equal(pool.callSync.sleep(5), 5);
  });

  it("throws the task's error", () => {
    assert.throws(() => pool.callSync.fail("sync boom"), (err: Error) => {
      assert.ok(err instanceof TypeError);
      assert.equal(err.message, "sync boom");
      return true;
    });
  });

  it("throws TimeoutError when the task runs past its timeout, and the pool goes on", async () => {
    const start = performance.now();
    assert.throws(() => pool.callSync.busy(300, { timeout: 20 }), TimeoutError);
    assert.ok(performance.now() - start < 290, "the call blocked until the task ended");
    assert.equal(await pool.call.add([2, 2]), 4);
    assert.equal(pool.callSync.add([3, 3]), 6);
  });

  it("leaves the asynchronous calls around it whole", async () => {
    const before = pool.stats().completed;
    const pending = Array.from({ length: 200 }, (_, i) => pool.call.add([i, 1]));
    const sync = pool.callSync.add([40, 2]);
    const more = Array.from({ length: 200 }, (_, i) => pool.call.add([i, 2]));
    assert.equal(sync, 42);
    assert.deepEqual(await Promise.all(pending), pending.map((_, i) => i + 1));
    assert.deepEqual(await Promise.all(more), more.map((_, i) => i + 2));
    assert.equal(pool.stats().completed - before, 401);
    assert.equal(pool.stats().running, 0);
  });

  it("refuses promise arguments and unknown options with a TypeError", () => {
    assert.throws(
      () => pool.callSync.add(Promise.resolve([1, 2]) as never),
      /Cannot call task synchronously: a promise cannot be awaited while the thread blocks/,
    );
    assert.throws(
      () => pool.callSync.add([1, 2], { signal: AbortSignal.timeout(5) } as never),
      /there is no option signal/,
    );
    assert.throws(() => pool.callSync.add([1, 2], { timeout: -1 }), RangeError);
  });

  it("refuses a call before any worker is ready", async () => {
    // The worker's bootstrap waits for the flag: until then it cannot have started.
    const flag = new SharedArrayBuffer(4);
    const fresh = createPool({
      threads: 1,
      worker: { bootstrap: { href: "./fixtures/bootstrap_setup.ts", name: "gate", data: flag } },
    })({ add });
    try {
      assert.throws(() => fresh.callSync.add([1, 1]), /no worker has started yet/);
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      // Its answer may come before the worker's "ready" message: the call below must not care.
      assert.equal(await fresh.call.add([1, 1]), 2);
      assert.equal(fresh.callSync.add([1, 1]), 2);
    } finally {
      await fresh.shutdown();
    }
  });

  it("throws once the pool is shut down", async () => {
    await pool.shutdown();
    assert.throws(() => pool.callSync.add([1, 2]), /shut down/);
  });
});
