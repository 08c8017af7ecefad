/**
 * The built-ins weft loads on first use are the modules a static import gives, and a worker that
 * never needs them never loads them.
 */
import assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import * as url from "node:url";
import { describe, it } from "node:test";
import { createPool } from "../../mod.ts";
import { builtin } from "../../src/runtime/builtin.ts";
import { loadedLazyBuiltins } from "../fixtures/builtin_tasks.ts";

const hasLoadList = Array.isArray(
  (process as unknown as { moduleLoadList?: unknown }).moduleLoadList,
);

describe("builtin", () => {
  // Behaviour, not identity: Bun's test runner may hand a test file wrapped exports of a built-in.
  it("gives each built-in's own module, doing what a static import does", () => {
    const here = url.fileURLToPath(import.meta.url);
    assert.equal(builtin("node:url").fileURLToPath(import.meta.url), here);
    assert.equal(builtin("node:fs").existsSync(here), fs.existsSync(here));
    assert.equal(typeof builtin("node:fs").createWriteStream, "function");
    assert.equal(builtin("node:path").join("a", "b"), path.join("a", "b"));
    assert.equal(builtin("node:os").tmpdir(), os.tmpdir());
    assert.equal(builtin("node:os").availableParallelism(), os.availableParallelism());
    assert.equal(typeof builtin("node:v8").getHeapStatistics().total_heap_size, "number");
    const req = builtin("node:module").createRequire(import.meta.url);
    assert.equal(req("node:path").join("c", "d"), path.join("c", "d"));
    const run = builtin("node:child_process").spawnSync;
    assert.equal(
      run(process.execPath, ["-e", "0"]).status,
      childProcess.spawnSync(process.execPath, ["-e", "0"]).status,
    );
  });

  it("gives the same module every time", () => {
    assert.equal(builtin("node:fs"), builtin("node:fs"));
    assert.equal(builtin("node:os"), builtin("node:os"));
  });

  it(
    "leaves the host-only built-ins unloaded in a worker that does not use them",
    { skip: !hasLoadList && "only Node lists the built-ins a thread has loaded" },
    async () => {
      const pool = createPool({ threads: 1 })({ loadedLazyBuiltins });
      try {
        assert.deepEqual(await pool.call.loadedLazyBuiltins(), []);
      } finally {
        await pool.shutdown();
      }
    },
  );
});
