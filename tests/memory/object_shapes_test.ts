/**
 * The decoder's compiled object fillers (`src/memory/object_shapes.ts`) are an optimisation
 * only: where the runtime forbids generating code from strings, objects still decode.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { roundTrip } from "./codec_helpers.ts";

const script = fileURLToPath(new URL("../fixtures/no_codegen_script.ts", import.meta.url));
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const FLAG = "--disallow-code-generation-from-strings";

const expected = [1, 2, 3, 4].map((i) => ({ a: i, b: `s${i}`, c: [i] }));

describe("object shapes", () => {
  it("decodes repeated shapes through the compiled filler", () => {
    assert.deepStrictEqual(expected.map((value) => roundTrip(value)), expected);
  });

  it("decodes repeated shapes where code generation is forbidden", { skip: isBun }, () => {
    const args = isDeno ? ["run", "-A", `--v8-flags=${FLAG}`, script] : [FLAG, script];
    const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(child.error, undefined, "the child did not exit within 60 s");
    assert.equal(child.status, 0, child.stderr);
    const { blocked, outs } = JSON.parse(child.stdout);
    assert.equal(blocked, true, "the flag did not forbid code generation");
    assert.deepStrictEqual(outs, expected);
  });
});
