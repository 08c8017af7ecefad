/**
 * The built-ins weft loads on first use are the modules a static import gives, and a worker that
 * never needs them never loads them.
 */
import assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as nodeModule from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import * as url from "node:url";
import * as v8 from "node:v8";
import { describe, it } from "node:test";
import { createPool } from "../../mod.ts";
import { builtin } from "../../src/runtime/builtin.ts";
import { loadedLazyBuiltins } from "../fixtures/builtin_tasks.ts";

const hasLoadList = Array.isArray(
  (process as unknown as { moduleLoadList?: unknown }).moduleLoadList,
);

describe("builtin", () => {
  it("gives each built-in's own functions, as a static import does", () => {
    assert.equal(builtin("node:child_process").spawn, childProcess.spawn);
    assert.equal(builtin("node:fs").existsSync, fs.existsSync);
    assert.equal(builtin("node:fs").createWriteStream, fs.createWriteStream);
    assert.equal(builtin("node:module").createRequire, nodeModule.createRequire);
    assert.equal(builtin("node:os").availableParallelism, os.availableParallelism);
    assert.equal(builtin("node:os").tmpdir, os.tmpdir);
    assert.equal(builtin("node:path").join, path.join);
    assert.equal(builtin("node:url").fileURLToPath, url.fileURLToPath);
    assert.equal(builtin("node:v8").getHeapStatistics, v8.getHeapStatistics);
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
