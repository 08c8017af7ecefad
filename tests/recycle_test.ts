import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { count, leak, whoAmI } from "./fixtures/controls_tasks.ts";

/** Waits (by polling the pool's own counters) until `done()` holds; 10 s at most. */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const start = performance.now();
  while (!(await done())) {
    if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("recycling", () => {
  it("replaces a worker after afterCalls calls, failing none", async () => {
    const pool = createPool({ threads: 1, recycle: { afterCalls: 5 } })({ whoAmI, count });
    try {
      const first: number[] = [];
      for (let i = 0; i < 5; i++) first.push(await pool.call.whoAmI());
      assert.equal(new Set(first).size, 1);
      // The replacement starts now; the old worker serves until it is ready, then ends.
      await until(() => pool.stats().recycled === 1, "the first worker is recycled");
      assert.equal(pool.stats().threads, 1);
      const next = await pool.call.whoAmI();
      assert.notEqual(next, first[0]);
      // Many calls in flight across recycles: each runs once, none fails.
      const counter = new SharedArrayBuffer(4);
      let made = 0;
      for (let wave = 0; wave < 2; wave++) {
        await Promise.all(Array.from({ length: 10 }, () => (made++, pool.call.count(counter))));
        await until(() => pool.stats().recycled === wave + 2, `recycle ${wave + 2}`);
      }
      assert.equal(Atomics.load(new Int32Array(counter), 0), made);
      assert.equal(pool.stats().failed, 0);
      assert.equal(pool.stats().recycled, 3);
    } finally {
      await pool.shutdown();
    }
  });

  it("replaces a worker whose heap passed memoryBytes, failing none", async () => {
    const pool = createPool({ threads: 1, recycle: { memoryBytes: 40 * 1024 * 1024 } })({
      whoAmI,
      leak,
    });
    try {
      const leaky = await pool.call.leak(48);
      // The worker measures its heap once it is idle; the next answer shows the host the figure.
      await until(async () => {
        await pool.call.whoAmI();
        return pool.stats().recycled === 1;
      }, "the leaking worker is recycled");
      assert.notEqual(await pool.call.whoAmI(), leaky);
      assert.equal(pool.stats().failed, 0);
      assert.equal(pool.stats().threads, 1);
    } finally {
      await pool.shutdown();
    }
  });
});
