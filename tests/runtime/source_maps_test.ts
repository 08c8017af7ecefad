/**
 * Task discovery reads the file that ran, not the one its source map points to. The fixture is
 * compiled JavaScript with a map to a TypeScript source that does not exist; Deno applies such
 * maps to stacks always, Node once source maps are enabled (as `--enable-source-maps` or tsx
 * enable them), Bun not at all (there the check below the first is all that applies).
 */
import assert from "node:assert/strict";
import process from "node:process";
import { after, describe, it } from "node:test";
import { createPool } from "../../mod.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
(process as { setSourceMapsEnabled?: (on: boolean) => void }).setSourceMapsEnabled?.(true);
const { double, stackHere } = await import("../fixtures/mapped/mapped_tasks.js");
const ran = new URL("../fixtures/mapped/mapped_tasks.js", import.meta.url).href;

describe("task discovery under source maps", () => {
  const pool = createPool({ threads: 1 })({ double });
  after(() => pool.shutdown());

  it("sees stacks rewritten to the mapped source", {
    skip: isBun && "Bun does not apply the maps of files it loads",
  }, () => {
    assert.match(stackHere(), /src\/mapped_tasks\.ts/);
  });

  it("names the compiled file as the task's module, and the worker runs it", async () => {
    assert.equal(double.module, ran);
    assert.equal(await pool.call.double(21), 42);
  });
});
