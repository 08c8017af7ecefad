import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { count, countAndHold, whoAmI } from "./fixtures/controls_tasks.ts";

/** Waits (by polling the pool's own counters or shared memory) until `done()` holds; 10 s at most. */
async function until(done: () => boolean, what: string): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("elastic threads", () => {
  it("grows to max while calls wait and shrinks to min once idle", async () => {
    const pool = createPool({ threads: { min: 1, max: 2, idleTimeout: 30 } })({ countAndHold });
    try {
      assert.equal(pool.stats().threads, 1);
      const counter = new SharedArrayBuffer(8);
      const words = new Int32Array(counter);
      // Each call holds its worker until released, so each next one waits: the pool grows, and
      // the waiting call moves to the new worker once it is ready.
      const calls: Promise<number>[] = [];
      for (let n = 1; n <= 2; n++) {
        calls.push(pool.call.countAndHold(counter));
        await until(() => Atomics.load(words, 0) === n, `${n} calls run at once`);
      }
      assert.equal(pool.stats().threads, 2);
      // A third waits: the pool is at max.
      calls.push(pool.call.countAndHold(counter));
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(pool.stats().threads, 2);
      Atomics.store(words, 1, 1);
      Atomics.notify(words, 1);
      const threads = await Promise.all(calls);
      assert.equal(new Set(threads.slice(0, 2)).size, 2);
      // Every call ran once.
      assert.equal(Atomics.load(words, 0), 3);
      await until(() => pool.stats().threads === 1, "the pool shrinks to min");
      assert.equal(pool.stats().running, 0);
    } finally {
      await pool.shutdown();
    }
  });

  it("starts with no worker when min is 0, and grows for the first call", async () => {
    const pool = createPool({ threads: { min: 0, max: 2, idleTimeout: 10 } })({ whoAmI });
    try {
      assert.equal(pool.stats().threads, 0);
      assert.equal(typeof await pool.call.whoAmI(), "number");
      assert.equal(pool.stats().threads, 1);
      await until(() => pool.stats().threads === 0, "the pool shrinks to none");
    } finally {
      await pool.shutdown();
    }
  });

  it("neither loses nor repeats a call while it grows and shrinks", async () => {
    const pool = createPool({ threads: { min: 1, max: 2, idleTimeout: 1 } })({
      count,
      countAndHold,
    });
    try {
      const counter = new SharedArrayBuffer(8);
      const words = new Int32Array(counter);
      // The first worker is held, so the calls behind it wait: the pool grows and the new worker
      // takes them over; then the first is released, and the pool shrinks again.
      const held = pool.call.countAndHold(counter);
      await until(() => Atomics.load(words, 0) === 1, "the first worker is held");
      const made = 600;
      const results = await Promise.all(
        Array.from({ length: made }, () => pool.call.count(counter)),
      );
      Atomics.store(words, 1, 1);
      Atomics.notify(words, 1);
      assert.notEqual(await held, results[0], "the waiting calls moved to the added worker");
      await until(() => pool.stats().threads === 1, "the pool shrinks");
      assert.equal(Atomics.load(words, 0), made + 1);
      assert.equal(pool.stats().completed, made + 1);
      assert.equal(pool.stats().failed, 0);
    } finally {
      await pool.shutdown();
    }
  });
});
