import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { add } from "./fixtures/basic_tasks.ts";

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

describe("an idle worker", () => {
  it("parks and uses no CPU after a burst of calls", async () => {
    const pool = createPool({ threads: 1, worker: { gcOnIdle: false } })({ add });
    try {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.call.add([i, 1])));
      // Let the spin (50 µs) and the blocking park (2 ms) run out before measuring.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const start = cpuMs();
      const wallStart = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const used = cpuMs() - start;
      const wall = performance.now() - wallStart;
      // A spinning worker would burn ~100% of a core (500 ms); parked, the whole process stays
      // near zero. 25% leaves room for the runtime's own housekeeping: `bun test` runs every file
      // in one process, and the garbage and ending threads of the tests before this one took
      // 67 ms of this window once (the soak tests run just before it).
      assert.ok(used < wall * 0.25, `process used ${used.toFixed(1)} ms of CPU in ${wall} ms`);
      assert.equal(await pool.call.add([1, 1]), 2);
    } finally {
      await pool.shutdown();
    }
  });
});
