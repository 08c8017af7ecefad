import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { UnenforceablePermissionError } from "../../src/errors.ts";
import {
  checkThreadPermissions,
  denoWorkerPermissions,
  processPermissionFlags,
} from "../../src/runtime/permissions.ts";

const ALL = {
  read: true,
  write: true,
  net: true,
  env: true,
  run: true,
  ffi: true,
  sys: true,
  import: true,
};
const host = (globalThis as { Deno?: unknown; Bun?: unknown }).Deno !== undefined
  ? "deno"
  : (globalThis as { Bun?: unknown }).Bun !== undefined
  ? "bun"
  : "node";

function refused(fn: () => unknown, permission: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UnenforceablePermissionError, String(err));
    assert.equal(err.permission, permission);
    assert.match(err.message, message);
    return true;
  });
}

describe("Deno process flags", () => {
  it("allow what is true or listed and deny what is false or left out", () => {
    assert.deepEqual(
      processPermissionFlags("deno", {
        read: ["/data", "/etc/hosts"],
        write: false,
        net: ["127.0.0.1:8080"],
        env: true,
        run: [],
      }),
      [
        "--no-prompt",
        "--allow-read=/data,/etc/hosts",
        "--deny-write",
        "--allow-net=127.0.0.1:8080",
        "--allow-env",
        "--deny-run",
        "--deny-ffi",
        "--deny-sys",
        "--deny-import",
      ],
    );
  });

  it("let the child read its own modules and import from their hosts", () => {
    const flags = processPermissionFlags("deno", { read: ["/data"] }, {
      loads: ["file:///app/tasks%20one.ts", "https://jsr.io/@weft/weft/mod.ts", "/app/entry.js"],
    });
    assert.ok(flags.includes("--allow-read=/data,/app/tasks one.ts,/app/entry.js"), String(flags));
    assert.ok(flags.includes("--allow-import=jsr.io"), String(flags));
    assert.ok(processPermissionFlags("deno", ALL, { loads: ["/app"] }).includes("--allow-read"));
  });

  it("refuse an entry with a comma, which Deno's flags cannot express", () => {
    assert.throws(
      () => processPermissionFlags("deno", { read: ["/a,b"] }),
      /^RangeError: Cannot create pool: a Deno process's --allow-read cannot name an entry with a comma, received read: "\/a,b"$/,
    );
  });
});

describe("Node process flags", () => {
  const open = { net: true, env: true, sys: true };

  it("turn on the permission model under the name the version knows", () => {
    assert.deepEqual(processPermissionFlags("node", open, { nodeVersion: "24.1.0" }), [
      "--permission",
    ]);
    assert.deepEqual(processPermissionFlags("node", open, { nodeVersion: "v22.13.0" }), [
      "--permission",
    ]);
    assert.deepEqual(processPermissionFlags("node", open, { nodeVersion: "22.12.0" }), [
      "--experimental-permission",
    ]);
  });

  it("map read, write, run and ffi to Node's own flags", () => {
    assert.deepEqual(
      processPermissionFlags("node", { ...open, read: ["/data"], write: true, run: true }, {
        loads: ["file:///app/"],
        nodeVersion: "24.0.0",
      }),
      [
        "--permission",
        "--allow-fs-read=/data",
        "--allow-fs-read=/app/",
        "--allow-fs-write=*",
        "--allow-child-process",
        "--allow-worker",
      ],
    );
    assert.ok(processPermissionFlags("node", { ...open, ffi: true }).includes("--allow-addons"));
  });

  it("refuse what Node's permission model cannot deny or narrow", () => {
    refused(
      () => processPermissionFlags("node", { read: true, env: true, sys: true }),
      "net",
      /^Cannot create pool: Node\.js processes cannot enforce permissions\.net \(its permission model has no control over net.*received net left out \(denied\)$/,
    );
    refused(
      () => processPermissionFlags("node", { ...open, env: ["HOME"] }),
      "env",
      /received env: \["HOME"\]$/,
    );
    refused(
      () => processPermissionFlags("node", { ...open, run: ["git"] }),
      "run",
      /--allow-child-process is all or nothing/,
    );
    refused(
      () => processPermissionFlags("node", { ...open, import: true }),
      "import",
      /cannot import modules from remote hosts/,
    );
  });
});

describe("Bun process flags", () => {
  it("are none when everything is allowed, and refused otherwise", () => {
    assert.deepEqual(processPermissionFlags("bun", ALL), []);
    refused(
      () => processPermissionFlags("bun", { ...ALL, write: ["/tmp"] }),
      "write",
      /^Cannot create pool: Bun processes cannot enforce permissions\.write \(it has no permission model; Deno enforces every permission/,
    );
  });
});

describe("thread permissions", () => {
  it("are refused on Node.js threads, naming the isolation that enforces them", () => {
    refused(
      () => checkThreadPermissions("node", { ...ALL, read: ["/data"] }),
      "read",
      /^Cannot create pool: Node\.js threads cannot enforce permissions\.read \(a thread shares its process's access; isolation: "process" on Node\.js enforces read, write, run and ffi/,
    );
    refused(
      () => checkThreadPermissions("node", { ...ALL, net: false }),
      "net",
      /Deno enforces every permission, on threads and processes\), received net: false$/,
    );
    refused(() => checkThreadPermissions("bun", {}), "read", /^Cannot create pool: Bun threads/);
    checkThreadPermissions("node", ALL);
  });

  it("become Deno Worker permissions with the worker's own modules readable", () => {
    assert.deepEqual(
      denoWorkerPermissions({ read: ["/data"], net: true }, ["file:///app/tasks.ts"]),
      {
        read: ["/data", "/app/tasks.ts"],
        write: false,
        net: true,
        env: false,
        run: false,
        ffi: false,
        sys: false,
        import: false,
      },
    );
  });
});

describe("a child process started with the flags", () => {
  const child = host === "bun" ? undefined : host;
  it(
    `gets ${child ?? "its runtime"}'s own error for a denied read${
      child === undefined ? " (skipped: Bun has no permission model to test)" : ""
    }`,
    { skip: child === undefined },
    () => {
      const dir = mkdtempSync(join(tmpdir(), "weft-permissions-"));
      try {
        const allowed = join(dir, "allowed");
        const secret = join(dir, "secret.txt");
        writeFileSync(allowed, "ok");
        writeFileSync(secret, "secret");
        const read = child === "deno" ? "Deno.readTextFileSync" : `require("node:fs").readFileSync`;
        const code = `console.log(String(${read}(${JSON.stringify(allowed)})));` +
          `try { ${read}(${JSON.stringify(secret)}); } catch (e) {` +
          ` console.log([e.name, e.code, e instanceof (globalThis.Deno?.errors.NotCapable ?? Error)].join(" ")); }`;
        const open = { net: true, env: true, sys: true, read: [allowed] };
        // `deno eval` runs with every permission; `deno run` of a script does not.
        const script = join(dir, "probe.js");
        writeFileSync(script, code);
        const args = child === "deno"
          ? ["run", ...processPermissionFlags("deno", { read: [allowed] }), script]
          : [...processPermissionFlags("node", open), "-e", code];
        const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 20_000 });
        assert.equal(run.status, 0, run.stderr);
        assert.match(
          run.stdout,
          child === "deno" ? /^ok\nNotCapable {2}true\n$/ : /^ok\nError ERR_ACCESS_DENIED true\n$/,
        );
      } finally {
        rmSync(dir, { recursive: true });
      }
    },
  );
});
