import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { a, c, d, hostOnly } from "./fixtures/shifted_tasks.ts";
import { hello } from "./fixtures/worker_only_tasks.ts";

/** Asserts that `call` rejects with the error that names the task, its module and the cause. */
async function rejectsAsDisplaced(call: Promise<unknown>, name: string, module: RegExp) {
  await assert.rejects(call, (err: Error) => {
    assert.ok(err instanceof ReferenceError, `${err.name}: ${err.message}`);
    assert.match(err.message, new RegExp(`"${name}"`));
    assert.match(err.message, module);
    assert.match(err.message, /behind a condition .* or in a loop/);
    return true;
  });
}

describe("task identity", () => {
  it("refuses a displaced task whose neighbour has source of the same length", async () => {
    assert.equal(String(c.f).length, String(d.f).length);
    const pool = createPool({ threads: 1 })({ a, hostOnly: hostOnly!, c, d });
    try {
      assert.equal(await pool.call.a(1), 2);
      // In the worker, c's place holds d (x + 3): the call must fail, never answer 3.
      await rejectsAsDisplaced(pool.call.c(0), "c", /shifted_tasks\.ts/);
      await assert.rejects(pool.call.c(0), /the host's "c" is number 2 there/);
      await rejectsAsDisplaced(pool.call.hostOnly(1), "hostOnly", /shifted_tasks\.ts/);
      await rejectsAsDisplaced(pool.call.d(0), "d", /shifted_tasks\.ts/);
      // The worker goes on serving the task it does have.
      assert.equal(await pool.call.a(41), 42);
    } finally {
      await pool.shutdown();
    }
  });

  it("refuses a task displaced by one that exists in the workers only", async () => {
    const pool = createPool({ threads: 1 })({ hello });
    try {
      await rejectsAsDisplaced(pool.call.hello("ada"), "hello", /worker_only_tasks\.ts/);
    } finally {
      await pool.shutdown();
    }
  });
});
