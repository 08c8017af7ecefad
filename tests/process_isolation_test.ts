/**
 * What only process workers do: run tasks in a child process of their own, which dies with the
 * host and writes to the host's standard streams, started with a command prefix if asked; and
 * the checks of their options.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { describe, it } from "node:test";
import { createPool, WorkerStartError } from "../mod.ts";
import { pid, priority, say } from "./fixtures/process_tasks.ts";
import { finallyCount, sharedItem } from "./fixtures/stream_tasks.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** The command line that runs `script` on this test's own runtime. */
function runtimeArgv(script: string): string[] {
  return isDeno ? [process.execPath, "run", "-A", script] : [process.execPath, script];
}

/** True once process `id` is gone: no such process, or a zombie nobody has reaped yet. */
function gone(id: number): boolean {
  try {
    const stat = readFileSync(`/proc/${id}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    // No /proc entry: the process does not exist.
    return true;
  }
}

/** Polls until `done()` holds, failing after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > ms) {
      assert.fail(`timed out after ${ms} ms waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("process workers", () => {
  it("run tasks in a child process, not in the host's", async () => {
    const pool = createPool({ threads: 2, isolation: "process" })({ pid });
    try {
      const pids = new Set(await Promise.all(Array.from({ length: 8 }, () => pool.call.pid())));
      assert.ok(!pids.has(process.pid));
      assert.ok(pids.size >= 1 && pids.size <= 2);
    } finally {
      await pool.close();
    }
  });

  it("die with their host: kill -9 of the host leaves no child, and the child's output reached the host's", async () => {
    const script = new URL("./fixtures/process_host_script.ts", import.meta.url).pathname;
    const [cmd, ...args] = runtimeArgv(script);
    const host = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    host.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    host.stderr.on("data", (chunk: Uint8Array) => (err += new TextDecoder().decode(chunk)));
    const exited = new Promise((resolve) => host.on("close", resolve));
    try {
      await until(
        () => /child \d+/.test(out) || host.exitCode !== null,
        30_000,
        "the host printed its child's pid",
      );
      const child = Number(/child (\d+)/.exec(out)?.[1]);
      assert.ok(child > 0, `the host printed no child pid; stdout: ${out}, stderr: ${err}`);
      assert.ok(!gone(child), "the child is running while its host is");
      // The child's output comes through its own pipes, not with its answers: it may reach the
      // host's streams after the answer that printed the pid.
      await until(
        () => /marker from the child/.test(err) && /marker from the child/.test(out),
        10_000,
        "the child's output reached the host's stdout and stderr",
      );
      host.kill("SIGKILL");
      await exited;
      await until(() => gone(child), 10_000, `child ${child} of the killed host was gone`);
    } finally {
      host.kill("SIGKILL");
    }
  });

  it("start behind a command prefix", async () => {
    const pool = createPool({ threads: 1, isolation: "process", command: ["nice", "-n", "7"] })({
      priority,
    });
    const plain = createPool({ threads: 1, isolation: "process" })({ priority });
    try {
      const [prefixed, own] = await Promise.all([pool.call.priority(), plain.call.priority()]);
      assert.equal(prefixed, Math.min(19, own + 7));
    } finally {
      await Promise.all([pool.close(), plain.close()]);
    }
  });

  it("give up with WorkerStartError when the command cannot start", async () => {
    const pool = createPool({
      threads: 1,
      isolation: "process",
      command: ["/nonexistent/weft-launcher"],
    })({ say });
    try {
      await assert.rejects(pool.call.say("never"), (e: Error) => {
        assert.ok(e instanceof WorkerStartError);
        assert.match(e.message, /died before they were ready .*code 127/);
        return true;
      });
    } finally {
      await pool.shutdown();
    }
  });

  it('refuse runtime and command without isolation "process", and bad values', () => {
    assert.throws(
      () => createPool({ runtime: "node" }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          'Cannot create pool: runtime applies to process workers only (set isolation: "process"), received isolation "thread" (a string)',
    );
    assert.throws(() => createPool({ isolation: "thread", command: ["nice"] }), /command applies/);
    assert.throws(() => createPool({ isolation: "vm" as never }), /isolation/);
    assert.throws(
      () => createPool({ isolation: "process", runtime: "python" as never }),
      /runtime/,
    );
    assert.throws(
      () => createPool({ isolation: "process", command: ["nice", 5] as never }),
      /command must be an array of strings/,
    );
    assert.throws(() => createPool({ allowRemoteModules: true }), /allowRemoteModules applies/);
    assert.throws(
      () => createPool({ isolation: "process", inliner: {} }),
      /^TypeError: Cannot create pool: inliner runs tasks on the host, so it cannot be used with isolation: "process"/,
    );
    assert.throws(
      () => createPool({ isolation: "process", recycle: { memoryBytes: 1e8 } }),
      /recycle\.memoryBytes measures a thread's heap/,
    );
  });

  it("fail a stream whose item cannot leave the child (a SharedArrayBuffer), and run its finally", async () => {
    const pool = createPool({ threads: 1, isolation: "process" })({ sharedItem, finallyCount });
    try {
      const before = await pool.call.finallyCount();
      const call = pool.call.sharedItem();
      assert.deepEqual(await call.next(), { value: 1, done: false });
      await assert.rejects(
        call.next(),
        (e: Error) => e instanceof TypeError && /SharedArrayBuffer/.test(e.message),
      );
      assert.equal(await pool.call.finallyCount(), before + 1);
    } finally {
      await pool.shutdown();
    }
  });

  it("refuse a task module at a remote URL unless allowRemoteModules is set", () => {
    const remote = "https://example.com/tasks.ts";
    assert.throws(
      () => createPool({ threads: 1, isolation: "process", module: remote })({ say }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          `Cannot create pool: a process worker would import its tasks from the network (set allowRemoteModules: true to allow it), received ${remote}`,
    );
  });
});
