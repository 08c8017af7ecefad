import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool, WorkerCrashedError } from "../mod.ts";
import { exitNow, whoAmI } from "./fixtures/controls_tasks.ts";

describe("affinity", () => {
  const pool = createPool({ threads: 3 })({ whoAmI, exitNow });
  after(() => pool.shutdown());

  /** The thread each key's calls ran on, over `rounds` rounds of calls made together. */
  async function threadsOf(keys: string[], rounds: number): Promise<Map<string, Set<number>>> {
    const seen = new Map(keys.map((key) => [key, new Set<number>()]));
    for (let r = 0; r < rounds; r++) {
      const ids = await Promise.all(keys.map((key) => pool.call.whoAmI(undefined, { key })));
      keys.forEach((key, k) => seen.get(key)!.add(ids[k]));
    }
    return seen;
  }

  it("sends every call of a key to the same worker across many calls", async () => {
    // Calls go to ready workers first: once all three are, new keys spread over all of them.
    const ready = new Set<number>();
    while (ready.size < 3) {
      for (const id of await Promise.all(Array.from({ length: 6 }, () => pool.call.whoAmI()))) {
        ready.add(id);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const keys = Array.from({ length: 12 }, (_, k) => `user-${k}`);
    const seen = await threadsOf(keys, 20);
    for (const [key, threads] of seen) assert.equal(threads.size, 1, `key ${key}: ${[...threads]}`);
    // The keys are spread: not all on one worker.
    assert.ok(new Set([...seen.values()].map((t) => [...t][0])).size > 1);
  });

  it("moves a key to a live worker once its worker crashed, and holds it there", async () => {
    const before = [...(await threadsOf(["k"], 1)).get("k")!][0];
    // The crash runs on the key's own worker.
    await assert.rejects(pool.call.exitNow(3, { key: "k" }), WorkerCrashedError);
    const afterCrash = await threadsOf(["k"], 10);
    const threads = afterCrash.get("k")!;
    assert.equal(threads.size, 1);
    assert.notEqual([...threads][0], before);
  });

  it("refuses a key that is not a string or a finite number", async () => {
    await assert.rejects(pool.call.whoAmI(undefined, { key: NaN }), {
      name: "TypeError",
      message: "Cannot call task: key must be a string or a finite number, received NaN (a number)",
    });
    // @ts-expect-error: a key is a string or a number
    await assert.rejects(pool.call.whoAmI(undefined, { key: {} }), TypeError);
  });
});
