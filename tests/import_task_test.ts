import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { createPool, importTask, TimeoutError } from "../mod.ts";

/** The symbol the fixture sets on every thread that evaluates it (see `imported_tasks.ts`). */
const LOADED_MARK = Symbol.for("weft.test.importedTasksLoaded");
type Fixture = typeof import("./fixtures/imported_tasks.ts");

const shout = importTask<Fixture["shout"]>({ href: "./fixtures/imported_tasks.ts", name: "shout" });
const double = importTask<Fixture["double"]>({
  href: new URL("./fixtures/imported_tasks.ts", import.meta.url),
  name: "double",
});
const slow = importTask<number, string>({
  href: "./fixtures/imported_tasks.ts",
  name: "slow",
  timeout: 30,
});
const missing = importTask({ href: "./fixtures/imported_tasks.ts", name: "nothing" });
const notATask = importTask({ href: "./fixtures/imported_tasks.ts", name: "notATask" });

describe("importTask", () => {
  const pool = createPool({ threads: 1 })({ shout, double, slow, missing, notATask });
  after(() => pool.shutdown());

  it("runs an export of a module that only the workers import", async () => {
    assert.equal(await pool.call.shout("hi"), "HI from worker");
    assert.equal(await pool.call.double(21), 42);
    assert.equal((globalThis as Record<symbol, unknown>)[LOADED_MARK], undefined);
  });

  it("resolves a relative href from the calling module", () => {
    assert.equal(shout.module, new URL("./fixtures/imported_tasks.ts", import.meta.url).href);
    assert.equal(double.module, shout.module);
  });

  it("applies its timeout", async () => {
    await assert.rejects(pool.call.slow(200), TimeoutError);
  });

  it("fails calls of an export that is missing or not a function, naming it", async () => {
    await assert.rejects(pool.call.missing(), (err: Error) => {
      assert.ok(err instanceof ReferenceError);
      assert.match(err.message, /no export "nothing".*its exports are .*shout/);
      return true;
    });
    await assert.rejects(pool.call.notATask(), /no export "notATask".*the export is number/);
    assert.equal(await pool.call.double(1), 2);
  });

  it("refuses to run on the host and rejects bad definitions", () => {
    assert.throws(() => shout.f("x" as never, undefined as never), /imported only by workers/);
    assert.throws(
      () => importTask({ href: "./x.ts" } as never),
      /Cannot import task: href and name are required, received no name/,
    );
    assert.throws(() => importTask({ href: "./x.ts", name: "" }), RangeError);
    assert.throws(
      () => importTask({ href: "./x.ts", name: "f", timout: 5 } as never),
      /did you mean timeout/,
    );
    assert.throws(() => importTask({ href: 5, name: "f" } as never), TypeError);
  });

  it("refuses a pool without workers, which would run it on the host", () => {
    assert.throws(
      () => createPool({ threads: 0, inliner: {} })({ shout }),
      /task "shout" is imported by workers only, and a pool of threads: 0 runs every call on the host/,
    );
  });

  it("runs as a one-task pool", async () => {
    const single = double.createPool({ threads: 1 });
    try {
      assert.equal(await single.call(4), 8);
    } finally {
      await single.shutdown();
    }
  });
});

describe("importTask with process workers", () => {
  it("never evaluates the module in the host's process, its relay threads included", async () => {
    const log = join(tmpdir(), `weft-imported-${process.pid}-${Date.now()}.log`);
    // Threads and children take the environment as it is when they start.
    process.env.WEFT_TEST_IMPORTED_TASKS_LOG = log;
    const pool = createPool({ threads: 1, isolation: "process" })({ shout, double });
    try {
      assert.equal(await pool.call.shout("hi"), "HI from worker");
      assert.equal(await pool.call.double(21), 42);
      const pids = readFileSync(log, "utf8").trim().split("\n").map(Number);
      assert.ok(pids.length >= 1, "the child evaluated the module");
      assert.ok(!pids.includes(process.pid), `the host's process evaluated it: ${pids}`);
    } finally {
      delete process.env.WEFT_TEST_IMPORTED_TASKS_LOG;
      await pool.shutdown();
      rmSync(log, { force: true });
    }
  });
});
