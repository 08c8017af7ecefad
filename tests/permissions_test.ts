/**
 * Pools with permissions: enforced by the runtime (Deno threads, through the Web Worker's own
 * permissions) or refused at createPool, never ignored.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createPool, UnenforceablePermissionError } from "../mod.ts";
import * as tasks from "./fixtures/permission_tasks.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const runtime = isDeno ? "deno" : isBun ? "bun" : "node";
const FLAG = "--unstable-worker-options";
/** Whether this Deno runs with the flag (the test runner starts it without; Linux shows it). */
const hasFlag = isDeno && readFileSync("/proc/self/cmdline", "utf8").split("\0").includes(FLAG);

function refusal(permission: string, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof UnenforceablePermissionError, String(err));
    assert.equal(err.permission, permission);
    assert.equal(err.runtime, runtime);
    assert.equal(err.isolation, "thread");
    assert.match(err.message, message);
    return true;
  };
}

describe("permissions on threads", () => {
  it(
    `are refused on ${runtime} threads${
      isDeno ? ` without ${FLAG}` : ""
    }, naming what enforces them${hasFlag ? ` (skipped: this Deno runs with ${FLAG})` : ""}`,
    { skip: hasFlag },
    () => {
      const expected = isDeno
        ? /^Cannot create pool: Deno threads enforce permissions only when Deno runs with --unstable-worker-options .*received read: \["\/data"\] without the flag$/
        : isBun
        ? /^Cannot create pool: Bun threads cannot enforce permissions\.read \(a thread shares its process's access; Deno enforces every permission, on threads and processes\), received read: \["\/data"\]$/
        : /^Cannot create pool: Node\.js threads cannot enforce permissions\.read \(a thread shares its process's access; isolation: "process" on Node\.js enforces read, write, run and ffi .*received read: \["\/data"\]$/;
      assert.throws(
        () => createPool({ threads: 1, permissions: { read: ["/data"], net: true } }),
        refusal("read", expected),
      );
      if (!isDeno) {
        assert.throws(
          () => createPool({ threads: 1, permissions: { read: true, write: true } }),
          refusal("net", /received net left out \(denied\)$/),
        );
      }
    },
  );

  it("are refused with an inliner, which runs calls on the host", () => {
    assert.throws(
      () => createPool({ threads: 1, inliner: {}, permissions: { read: ["/data"] } }),
      (err: unknown) => {
        assert.ok(err instanceof UnenforceablePermissionError, String(err));
        assert.equal(err.isolation, "inline");
        assert.match(
          err.message,
          /^Cannot create pool: the inliner runs calls on the host, where permissions\.read cannot be enforced; leave out inliner or permissions, received read: \["\/data"\] with an inliner$/,
        );
        return true;
      },
    );
  });

  it("that allow everything restrict nothing, so every runtime runs them", async () => {
    const all = { read: true, write: true, net: true, env: true, run: true, ffi: true, sys: true };
    const pool = createPool({ threads: 1, permissions: { ...all, import: true } })(tasks);
    try {
      assert.equal(await pool.call.ping(), "pong");
    } finally {
      await pool.shutdown();
    }
  });

  it(
    `are enforced by Deno on its threads, each denied call failing with NotCapable${
      isDeno ? "" : " (skipped: Deno only)"
    }`,
    { skip: !isDeno, timeout: 60_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), "weft-permissions-"));
      try {
        const allowed = join(dir, "allowed.txt");
        const secret = join(dir, "secret.txt");
        writeFileSync(allowed, "ok");
        writeFileSync(secret, "secret");
        const script = fileURLToPath(new URL("./fixtures/permission_script.ts", import.meta.url));
        const child = spawnSync(process.execPath, ["run", "-A", FLAG, script, allowed, secret], {
          encoding: "utf8",
          timeout: 50_000,
          env: { ...process.env, WEFT_ALLOWED: "yes", WEFT_SECRET: "no", NO_COLOR: "1" },
        });
        assert.equal(child.status, 0, child.stderr);
        const r = JSON.parse(child.stdout);
        const denied = (what: string, access: string) => ({
          error: "NotCapable",
          notCapable: true,
          message:
            `Requires ${access} access to "${what}", run again with the --allow-${access} flag`,
        });
        assert.deepEqual(r.readAllowed, { value: "ok" });
        assert.deepEqual(r.readSecret, denied(secret, "read"));
        assert.match(r.connect.message, /^Requires net access to "127\.0\.0\.1:\d+"/);
        assert.equal(r.connect.notCapable, true);
        assert.deepEqual(r.envAllowed, { value: "yes" });
        assert.deepEqual(r.envSecret, denied("WEFT_SECRET", "env"));
        assert.deepEqual(r.run, denied("true", "run"));
        for (const [key, code] of [["exit", 3], ["close", 0]] as const) {
          assert.equal(
            r[key].message,
            `Cannot exit: this weft worker is a Deno Web Worker (it has permissions), whose end its host cannot see; throw an error to fail the call instead, received code ${code}`,
          );
        }
        assert.equal(r.crash.crashed, true, JSON.stringify(r.crash));
        assert.deepEqual(r.afterCrash, { value: "pong" });
        assert.equal(r.respawns, 1);
        assert.equal(r.echo, true);
        assert.equal(
          r.processOptions,
          "TypeError: Cannot create pool: a Deno worker with permissions is a Web Worker, whose env cannot be set; leave out worker.env or permissions, received both",
        );
      } finally {
        rmSync(dir, { recursive: true });
      }
    },
  );
});
