/**
 * A sandbox prefix for real: process workers started under bubblewrap (`command: ["bwrap", ...]`)
 * without the network and with a directory hidden. The same tasks on a process worker without the
 * prefix connect and read. Bubblewrap comes from Debian's package, installed here when the tests
 * run as root; elsewhere, or where this machine cannot run it (no user namespaces), the test is
 * skipped with the reason.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import process from "node:process";
import { describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { connect, firstLine } from "./fixtures/process_tasks.ts";

/** Runs `cmd` and returns its exit status and output. */
function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(cmd, args, { encoding: "utf8", timeout: 300_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`;
  return { ok: result.status === 0, output: output.trim() };
}

/** Why bubblewrap cannot be used here, or undefined once it is installed and runs. */
function bwrapMissing(): string | undefined {
  if (!run("bwrap", ["--version"]).ok) {
    if (process.getuid?.() !== 0) {
      return "bubblewrap is not installed, and the tests do not run as root to install it";
    }
    const install = run("sh", [
      "-c",
      "apt-get install -y bubblewrap || (apt-get update && apt-get install -y bubblewrap)",
    ]);
    if (!install.ok) return `apt-get install -y bubblewrap failed: ${install.output.slice(-300)}`;
  }
  const probe = run("bwrap", ["--dev-bind", "/", "/", "--unshare-net", "--", "true"]);
  return probe.ok ? undefined : `bwrap cannot run on this machine: ${probe.output}`;
}

const missing = bwrapMissing();
if (missing !== undefined) console.log(`sandbox_test: skipped: ${missing}`);

describe("a sandbox prefix", () => {
  it("denies a task under bwrap the network and a hidden path, which it has outside", {
    skip: missing ?? false,
  }, async () => {
    const secret = mkdtempSync(`${tmpdir()}/weft-secret-`);
    writeFileSync(`${secret}/note.txt`, "visible outside\n");
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const command = ["bwrap", "--dev-bind", "/", "/", "--tmpfs", secret, "--unshare-net", "--"];
    const boxed = createPool({ threads: 1, isolation: "process", command })({ connect, firstLine });
    const plain = createPool({ threads: 1, isolation: "process" })({ connect, firstLine });
    try {
      assert.equal(await plain.call.connect(port), "connected");
      assert.equal(await plain.call.firstLine(`${secret}/note.txt`), "visible outside");
      assert.match(await boxed.call.connect(port), /^error (ECONNREFUSED|ENETUNREACH)$/);
      assert.equal(await boxed.call.firstLine(`${secret}/note.txt`), "error ENOENT");
    } finally {
      await Promise.all([boxed.close(), plain.close()]);
      await new Promise((resolve) => server.close(resolve));
      rmSync(secret, { recursive: true, force: true });
    }
  });
});
