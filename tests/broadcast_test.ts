import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool, importTask, PoolClosedError } from "../mod.ts";
import { blockUntil, whoAmI } from "./fixtures/basic_tasks.ts";
import { failOn, visit } from "./fixtures/broadcast_tasks.ts";

const THREADS = 3;

describe("pool.broadcast", () => {
  const pool = createPool({ threads: THREADS })({ visit, failOn, blockUntil, whoAmI });
  after(() => pool.shutdown());

  it("runs the task exactly once on every worker, results in worker order", async () => {
    const first = await pool.broadcast.visit("a");
    assert.equal(first.length, THREADS);
    assert.equal(new Set(first.map((r) => r.thread)).size, THREADS);
    assert.deepEqual(first.map((r) => r.calls), [1, 1, 1]);
    // Awaited once, sent to each: the same order, one more visit each.
    const second = await pool.broadcast.visit(Promise.resolve("a"));
    assert.deepEqual(second.map((r) => r.thread), first.map((r) => r.thread));
    assert.deepEqual(second.map((r) => r.calls), [2, 2, 2]);
  });

  it("reaches a busy worker once it is free, while other calls go on", async () => {
    const threads = (await pool.broadcast.visit("order")).map((r) => r.thread);
    const flag = new SharedArrayBuffer(4);
    const blocked = pool.call.blockUntil(flag);
    const all = pool.broadcast.visit("busy");
    const others = await Promise.all(Array.from({ length: 6 }, () => pool.call.whoAmI()));
    assert.ok(others.length === 6);
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    await blocked;
    const busy = await all;
    assert.deepEqual(busy.map((r) => r.thread), threads);
    assert.deepEqual(busy.map((r) => r.calls), [1, 1, 1]);
  });

  it("rejects with the first failure, as Promise.all", async () => {
    const threads = (await pool.broadcast.visit("fail")).map((r) => r.thread);
    await assert.rejects(pool.broadcast.failOn(threads[1]), (err: Error) => {
      assert.ok(err instanceof RangeError);
      assert.equal(err.message, `refused on ${threads[1]}`);
      return true;
    });
  });

  it("refuses a transfer list, which can reach only one worker", async () => {
    await assert.rejects(
      pool.broadcast.visit("x", { transfer: [new ArrayBuffer(8)] }),
      /Cannot broadcast call: moved buffers can reach only one worker, received a transfer list of 1/,
    );
  });

  it("refuses a key, which picks one worker", async () => {
    await assert.rejects(pool.broadcast.visit("x", { key: "k" }), /a key picks one worker/);
  });

  it("rejects once the pool is shut down", async () => {
    await pool.shutdown();
    await assert.rejects(pool.broadcast.visit("late"), PoolClosedError);
  });
});

describe("calls that must run on a worker, beside an inline lane", () => {
  it("are never run on the host: broadcasts and imported tasks", async () => {
    const shout = importTask<(text: string) => string>({
      href: "./fixtures/imported_tasks.ts",
      name: "shout",
    });
    const pool = createPool({ threads: 2, inliner: { position: "first" } })({ visit, shout });
    try {
      const all = await pool.broadcast.visit("inline");
      assert.equal(all.length, 2);
      for (const r of all) assert.notEqual(r.thread, 0);
      const texts = await Promise.all(Array.from({ length: 8 }, () => pool.call.shout("x")));
      assert.deepEqual(texts, Array(8).fill("X from worker"));
    } finally {
      await pool.shutdown();
    }
  });
});
