/**
 * Deno importing weft from an `http:` URL, as JSR users import it from `https:`: this process
 * serves the files `deno publish` ships (deno.json's `publish.include`) and a task module on
 * 127.0.0.1, and a child Deno, with only the permissions the README names, runs a pool whose tasks
 * come from a remote module and from a local one. The child must get its results, recover from a
 * crashed worker, and exit on its own with the pool still open (an idle pool does not hold it).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const root = fileURLToPath(new URL("../../", import.meta.url));

/** The repository paths that `publish.include` names (literal paths and `dir/**\/*.ext`). */
function publishSet(): string[] {
  const config = JSON.parse(readFileSync(`${root}deno.json`, "utf8")) as {
    publish: { include: string[] };
  };
  const out: string[] = [];
  const walk = (dir: string, ext: string) => {
    for (const entry of readdirSync(`${root}${dir}`, { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel, ext);
      else if (rel.endsWith(ext)) out.push(rel);
    }
  };
  for (const pattern of config.publish.include) {
    const glob = /^(.*)\/\*\*\/\*(\.\w+)$/.exec(pattern);
    if (glob === null) out.push(pattern);
    else walk(glob[1], glob[2]);
  }
  return out;
}

/** The remote task module: the fault suite's tasks, served beside the package. */
const REMOTE_TASKS = "tests/fixtures/fault_tasks.ts";

function serve(files: readonly string[]): Promise<Server> {
  const served = new Set(files);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    if (!served.has(path)) {
      res.writeHead(404).end();
      return;
    }
    const type = path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
    res.writeHead(200, { "content-type": type }).end(readFileSync(`${root}${path}`));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDeno(args: string[], cwd: string, denoDir: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, timeout: 120_000, env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: "1" } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The child's script: calls, a crash, the call after it; the pool is left open on purpose. */
function mainScript(base: string, withLocal: boolean): string {
  return `
import { createPool, isMain, WorkerCrashedError } from "${base}/mod.ts";
import { add, exitNow } from "${base}/${REMOTE_TASKS}";
${withLocal ? 'import { double } from "./local_tasks.ts";' : "const double = add;"}
if (isMain) {
  const pool = createPool({ threads: 1 })({ add, exitNow, double });
  const sum = await pool.call.add([2, 3]);
  const twice = await pool.call.double(${withLocal ? "21" : "[21, 21]"});
  const crash = await pool.call.exitNow(3).then(() => "resolved", (e) => e instanceof WorkerCrashedError ? "crashed" : String(e));
  const after = await pool.call.add([4, 5]);
  console.log(JSON.stringify({ sum, twice, crash, after, respawns: pool.stats().respawns }));
}
`;
}

describe(
  "Deno with weft imported over HTTP",
  { skip: !isDeno && "remote modules are Deno's" },
  () => {
    let server: Server;
    let base: string;
    let dir: string;

    before(async () => {
      server = await serve([...publishSet(), REMOTE_TASKS]);
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dir = mkdtempSync(`${tmpdir()}/weft-remote-`);
    });

    after(() => {
      server?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    const expected = { sum: 5, twice: 42, crash: "crashed", after: 9, respawns: 1 };
    const host = () => base.slice("http://".length);

    it("runs remote and local tasks, recovers from a crash, and exits with the pool open", async () => {
      writeFileSync(
        `${dir}/local_tasks.ts`,
        `import { task } from "${base}/mod.ts";\nexport const double = task({ f: (n: number) => n * 2 });\n`,
      );
      writeFileSync(`${dir}/main.ts`, mainScript(base, true));
      const args = [
        "run",
        "--no-config",
        `--allow-import=${host()}`,
        `--allow-read=${dir}`,
        "main.ts",
      ];
      const ran = await runDeno(args, dir, `${dir}/deno_dir`);
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(JSON.parse(ran.stdout.trim()), expected);
    });

    it("needs no read permission when every task module is remote", async () => {
      writeFileSync(`${dir}/remote_only.ts`, mainScript(base, false));
      const args = ["run", "--no-config", `--allow-import=${host()}`, "remote_only.ts"];
      const ran = await runDeno(args, dir, `${dir}/deno_dir`);
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(JSON.parse(ran.stdout.trim()), expected);
    });
  },
);
