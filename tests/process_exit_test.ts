import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./fixtures/exit_script.ts", import.meta.url));
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

describe("process lifetime", () => {
  it("exits on its own when a pool has no call in flight and was never shut down", () => {
    const args = isDeno ? ["run", "-A", script] : [script];
    const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(child.error, undefined, "the child did not exit within 60 s");
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /sum=5/);
  });
});
