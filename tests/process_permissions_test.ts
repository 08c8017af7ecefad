/**
 * Permissions on process workers: a Deno child runs with the flags they map to, so a task is
 * denied what they leave out (the runtime's own error) while the same task on a thread is not;
 * runtimes whose child cannot enforce them refuse the pool.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { createPool, UnenforceablePermissionError } from "../mod.ts";
import { envVar, firstLine } from "./fixtures/process_tasks.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const allowed = `${fixtures}process_tasks.ts`;
/** Outside weft's files and the task modules, which the child may always read. */
const outside = "/etc/passwd";

describe("permissions of process workers", () => {
  it("deny a Deno child what they leave out, which a thread may do", {
    skip: !isDeno && "a Deno child starts from a Deno host here (no deno on PATH for the others)",
  }, async () => {
    const pool = createPool({
      threads: 1,
      isolation: "process",
      permissions: { read: [fixtures] },
    })({ firstLine, envVar });
    const open = createPool({ threads: 1 })({ firstLine, envVar });
    try {
      assert.match(await pool.call.firstLine(allowed), /^\/\*\*$/);
      assert.equal(await pool.call.firstLine(outside), "error NotCapable");
      assert.equal(await pool.call.envVar("PATH"), "error NotCapable");
      assert.match(await open.call.firstLine(outside), /^root:/);
      assert.equal(await open.call.envVar("PATH"), process.env.PATH);
    } finally {
      await Promise.all([pool.close(), open.close()]);
    }
  });

  it("deny a Node.js child a read they leave out, which a thread may do", {
    skip: (isDeno || isBun) && "a Node.js child starts from a Node.js host here",
  }, async () => {
    // Node's permission model has no say over net, env and sys, and no remote imports to deny.
    const pool = createPool({
      threads: 1,
      isolation: "process",
      permissions: { read: [fixtures], net: true, env: true, sys: true },
    })({ firstLine });
    const open = createPool({ threads: 1 })({ firstLine });
    try {
      assert.match(await pool.call.firstLine(allowed), /^\/\*\*$/);
      assert.equal(await pool.call.firstLine(outside), "error ERR_ACCESS_DENIED");
      assert.match(await open.call.firstLine(outside), /^root:/);
    } finally {
      await Promise.all([pool.close(), open.close()]);
    }
  });

  it("are refused where the child cannot enforce them, naming the permission", {
    skip: isDeno && "Deno children enforce every permission",
  }, () => {
    // Bun has no permission model; Node's cannot control the environment.
    const permissions = isBun ? { read: [fixtures] } : { read: [fixtures], net: true, sys: true };
    assert.throws(
      () => createPool({ isolation: "process", permissions }),
      (e: Error) => {
        assert.ok(e instanceof UnenforceablePermissionError);
        assert.equal(e.isolation, "process");
        assert.equal(e.runtime, isBun ? "bun" : "node");
        assert.equal(e.permission, isBun ? "read" : "env");
        assert.match(e.message, /^Cannot create pool: (Node\.js|Bun) process/);
        return true;
      },
    );
  });
});
