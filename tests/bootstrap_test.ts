import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createPool, WorkerStartError } from "../mod.ts";
import { processView, seenAtLoad } from "./fixtures/bootstrap_tasks.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

describe("worker.bootstrap", () => {
  it("runs in every worker, with its data, before the task modules load", async () => {
    const data = { config: "warm", list: [1, 2] };
    const pool = createPool({
      threads: 2,
      worker: { bootstrap: { href: "./fixtures/bootstrap_setup.ts", data } },
    })({ seenAtLoad });
    try {
      const seen = await Promise.all(Array.from({ length: 8 }, () => pool.call.seenAtLoad()));
      for (const s of seen) assert.deepEqual(s.atLoad, data);
    } finally {
      await pool.shutdown();
    }
  });

  it("fails start-up with the bootstrap's error as cause, without respawning", async () => {
    const pool = createPool({
      threads: 2,
      worker: {
        bootstrap: {
          href: new URL("./fixtures/bootstrap_setup.ts", import.meta.url),
          name: "failing",
          data: { why: "missing" },
        },
      },
    })({ seenAtLoad });
    try {
      await assert.rejects(pool.call.seenAtLoad(), (err: Error) => {
        assert.ok(err instanceof WorkerStartError, String(err));
        assert.match(err.message, /bootstrap "failing" of .*bootstrap_setup\.ts failed: no config/);
        const cause = err.cause as Error;
        assert.equal(cause.name, "RangeError");
        assert.equal(cause.message, "no config: missing");
        return true;
      });
      await assert.rejects(pool.call.seenAtLoad(), WorkerStartError);
      assert.equal(pool.stats().respawns, 0);
    } finally {
      await pool.shutdown();
    }
  });

  it("fails start-up when the export is not a function", async () => {
    const pool = createPool({
      threads: 1,
      worker: { bootstrap: { href: "./fixtures/bootstrap_setup.ts", name: "notAFunction" } },
    })({ seenAtLoad });
    try {
      await assert.rejects(
        pool.call.seenAtLoad(),
        /bootstrap "notAFunction" .* is not a function, received string/,
      );
    } finally {
      await pool.shutdown();
    }
  });

  it("resolves a relative href from the module that starts a one-task pool", async () => {
    const single = seenAtLoad.createPool({
      threads: 1,
      worker: { bootstrap: { href: "./fixtures/bootstrap_setup.ts", data: 7 } },
    });
    try {
      assert.equal((await single.call()).atLoad, 7);
    } finally {
      await single.shutdown();
    }
  });

  it("rejects bad bootstrap options before anything starts", () => {
    assert.throws(
      () => createPool({ worker: { bootstrap: { name: "x" } } } as never),
      /worker.bootstrap needs href/,
    );
    assert.throws(
      () => createPool({ worker: { bootstrap: { href: "./x.ts", data: () => 1 } } }),
      /worker.bootstrap.data must be a value that structuredClone can copy, received a function/,
    );
    assert.throws(
      () => createPool({ worker: { bootstrap: { href: "./x.ts", nme: "x" } } } as never),
      /did you mean worker.bootstrap.name/,
    );
    assert.throws(() => createPool({ worker: { bootstrap: { href: "" } } }), RangeError);
  });
});

describe("worker.env, worker.argv, worker.execArgv", () => {
  it("set the workers' process.env, argv and execArgv", async () => {
    const pool = createPool({
      threads: 1,
      worker: { env: { WEFT_TEST_ENV: "from-pool" }, argv: ["--mode", "fast"], execArgv: [] },
    })({ processView, seenAtLoad });
    try {
      // Without a bootstrap, the task module sees nothing at load.
      assert.equal((await pool.call.seenAtLoad()).atLoad, undefined);
      const view = await pool.call.processView();
      assert.equal(view.env, "from-pool");
      // The environment is replaced, not merged.
      assert.equal(view.path, undefined);
      assert.deepEqual(view.argv, ["--mode", "fast"]);
      assert.deepEqual(view.execArgv, []);
    } finally {
      await pool.shutdown();
    }
  });

  it("fail the pool's start on Node when execArgv has a flag a thread cannot have", {
    skip: (isDeno || isBun) && "Deno and Bun only show execArgv in the worker",
  }, () => {
    assert.throws(
      () =>
        createPool({ threads: 1, worker: { execArgv: ["--max-old-space-size=40"] } })({
          processView,
        }),
      /execArgv/,
    );
  });

  it("reject values of the wrong type", () => {
    assert.throws(
      () => createPool({ worker: { env: { A: 1 } } } as never),
      /worker.env must be an object of strings/,
    );
    assert.throws(
      () => createPool({ worker: { argv: "--x" } } as never),
      /worker.argv must be an array of strings, received "--x"/,
    );
    assert.throws(() => createPool({ worker: { execArgv: [1] } } as never), TypeError);
  });
});

describe("resourceLimits", () => {
  it("warn once per process where the runtime does not apply them all", () => {
    const script = fileURLToPath(new URL("./fixtures/limits_script.ts", import.meta.url));
    const args = isDeno ? ["run", "-A", script] : [script];
    const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /done/);
    const warnings = child.stderr.split("\n").filter((line) => line.startsWith("weft:"));
    if (isBun) {
      assert.equal(warnings.length, 1, child.stderr);
      assert.match(warnings[0], /ignored on Bun/);
    } else if (isDeno) {
      assert.equal(warnings.length, 1, child.stderr);
      assert.match(warnings[0], /stackSizeMb is left out on Deno/);
    } else {
      assert.deepEqual(warnings, []);
    }
  });
});
