/**
 * The field suite: installs and runs weft the ways users do, each case in a folder of its own
 * under one temporary root, with the npm registry as the only network.
 *
 * - Deno imports weft over HTTP from a server on 127.0.0.1 that serves exactly the files
 *   `deno publish --dry-run` lists (what JSR would serve), running the README's quick start with
 *   its tasks in a local file and in a remote one.
 * - Node 22, Node 24 and Bun run the README's quick start as it is written there (files and
 *   commands are read from README.md, so the docs and this test cannot drift), in an empty folder,
 *   installing the packed tarball where the README installs `@weft/weft`; and CommonJS consumers
 *   in a project left as `npm init -y` writes it (`require()`, and ES modules named `.mts`).
 * - `tsx`, and `node --enable-source-maps` with plain JavaScript; TypeScript compiled by `tsc` with
 *   `sourceMap: true`, run from `dist/` on Node (with source maps), Bun and Deno.
 * - esbuild ESM and CJS bundles (`--bundle --platform=node`), run on Node 22, Node 24, Bun and
 *   Deno, and `bun build` on Bun, each from a folder away from its source.
 * - A task displaced by one behind a condition, whose neighbour's source has the same length, and
 *   one displaced by a task that exists only in the workers: a clear error, never a wrong result.
 * - The machine's own `node` (v20 here, below the floor) importing the package: the version error.
 *
 * Installs are shared: one project holds the tarball for the cases that need no fresh `npm init`,
 * and the tools (tsx, esbuild, TypeScript) are installed once into a cache folder that later runs
 * reuse. The pinned runtimes are resolved to their binaries once and put first on each case's
 * `PATH`, so that `node`, `bun` and `deno` in a command mean the pinned ones.
 *
 * Ends with the line `field: N passed, N failed`, which `scripts/test_all.ts` counts.
 *
 * Options: `--keep` keeps the temporary root; `--case=TEXT` runs only the cases whose name holds
 * TEXT.
 *
 * @module
 */

import { PACKAGE_NAME, ROOT, TYPESCRIPT_VERSION } from "./build_npm.ts";
import {
  buildAndPack,
  check,
  Checks,
  exitCheck,
  NPM_INSTALL_FLAGS,
  npmInstall,
  type Outcome,
  type Ran,
  run,
} from "./package_kit.ts";
import { BUN, DENO, NODE22, NODE24, type PinnedRuntime } from "./runtimes.ts";

/** Tools from npm that users run weft under, pinned. */
const TOOLS: Record<string, string> = {
  tsx: "4.23.15",
  esbuild: "0.28.2",
  typescript: TYPESCRIPT_VERSION,
};

const keep = Deno.args.includes("--keep");
const only = Deno.args.find((a) => a.startsWith("--case="))?.slice("--case=".length);
const checks = new Checks("field");

// --- the README's quick start -----------------------------------------------------------------

/** The quick start as README.md writes it. */
interface QuickStart {
  /** File name (from the block's first line, `// main.ts`) to its text. */
  files: Map<string, string>;
  /** The shell lines under each runtime's heading: `deno`, `node`, `bun`. */
  commands: Map<string, string[]>;
  /** What `main.ts` prints, from its `console.log(...); // <output>` comment. */
  output: string;
}

function readQuickStart(): QuickStart {
  const readme = Deno.readTextFileSync(`${ROOT}/README.md`);
  const start = readme.indexOf("\n## Quick start\n");
  if (start < 0) throw new Error("Cannot read the quick start: README.md has no ## Quick start");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const files = new Map<string, string>();
  const commands = new Map<string, string[]>();
  let heading = "";
  for (const m of section.matchAll(/^### (.+)$|^```(\w+)\n([\s\S]*?)^```$/gm)) {
    if (m[1] !== undefined) {
      heading = m[1].split(" ")[0].replace(/\.js$/, "").toLowerCase();
    } else if (m[2] === "ts") {
      const name = /^\/\/ (\S+)\n/.exec(m[3])?.[1];
      if (name !== undefined) files.set(name, m[3]);
    } else if (m[2] === "sh") {
      commands.set(heading, m[3].split("\n").filter((line) => line.trim() !== ""));
    }
  }
  const output = /console\.log\(.*\); \/\/ (.+)$/m.exec(files.get("main.ts") ?? "")?.[1];
  for (const want of ["tasks.ts", "main.ts"]) {
    if (!files.has(want)) throw new Error(`Cannot read the quick start: no ${want} in README.md`);
  }
  for (const want of ["deno", "node", "bun"]) {
    if (!commands.has(want)) {
      throw new Error(`Cannot read the quick start: no commands for ${want} in README.md`);
    }
  }
  if (output === undefined) {
    throw new Error("Cannot read the quick start: main.ts does not say what it prints");
  }
  return { files, commands, output };
}

// --- runtimes and tools ---------------------------------------------------------------------

/** A pinned runtime resolved to its binary. */
interface Resolved {
  name: string;
  bin: string;
  /** A folder that holds only the runtime, under its command's name, for `PATH`. */
  dir: string;
}

async function resolveBinary(runtime: PinnedRuntime, root: string): Promise<Resolved> {
  const code = runtime === DENO
    ? ["eval", "console.log(Deno.execPath())"]
    : ["-e", "console.log(process.execPath)"];
  const ran = await run("runtimes", [...runtime.cmd, ...code], { cwd: ROOT, echo: false });
  const bin = ran.stdout.trim();
  if (ran.code !== 0 || !bin.startsWith("/")) {
    throw new Error(`Cannot find the ${runtime.name} binary: received ${ran.text}`);
  }
  // npx's bun is `bun.exe`; a command line says `bun`.
  const dir = `${root}/bin/${runtime.name}`;
  Deno.mkdirSync(dir, { recursive: true });
  Deno.symlinkSync(bin, `${dir}/${runtime.name.replace(/\d+$/, "")}`);
  return { name: runtime.name, bin, dir };
}

/** The machine's own `node`, as `/usr/bin/env node` finds it. */
async function systemNode(): Promise<{ bin: string; version: string } | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    // npx puts its own folders first on the PATH of what it starts; they hold no system node.
    if (dir === "" || dir.includes("/_npx/") || dir.includes("/node_modules/")) continue;
    const bin = `${dir}/node`;
    try {
      if (!Deno.statSync(bin).isFile) continue;
    } catch {
      continue; // Not in this folder: look in the next.
    }
    const ran = await run("node", [bin, "--version"], { cwd: ROOT, echo: false });
    return { bin, version: ran.stdout.trim() };
  }
  return undefined;
}

/** `PATH` with the runtime's folder first. */
function pathWith(runtime: Resolved): Record<string, string> {
  return { PATH: `${runtime.dir}:${Deno.env.get("PATH") ?? ""}` };
}

/**
 * Installs the pinned tools into a cache folder, once: a later run finds them there. The install
 * goes to a fresh folder renamed into place, so that two runs at once cannot see half of one.
 */
async function tools(): Promise<string> {
  const key = Object.entries(TOOLS).map(([name, v]) => `${name}@${v}`).join("+");
  const cache = `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/weft-field`;
  const dir = `${cache}/${key}`;
  try {
    Deno.statSync(`${dir}/ready`);
    console.log(`tools | cached in ${dir}`);
    return dir;
  } catch {
    // Not cached yet: install below.
  }
  Deno.mkdirSync(cache, { recursive: true });
  const fresh = Deno.makeTempDirSync({ dir: cache, prefix: "install-" });
  Deno.writeTextFileSync(`${fresh}/package.json`, '{ "private": true }\n');
  await npmInstall("tools", fresh, Object.entries(TOOLS).map(([name, v]) => `${name}@${v}`));
  Deno.writeTextFileSync(`${fresh}/ready`, key + "\n");
  try {
    Deno.renameSync(fresh, dir);
  } catch (err) {
    // Another run put its copy in place first; use that one.
    if (!(err instanceof Deno.errors.AlreadyExists) && !String(err).includes("not empty")) {
      throw err;
    }
    Deno.removeSync(fresh, { recursive: true });
  }
  return dir;
}

// --- helpers for cases ------------------------------------------------------------------------

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(path, text);
  }
}

/** A program's run passes when it exits 0 and prints `output` as a line. */
function printed(label: string, ran: Ran, output: string): Outcome {
  // Deno colours console.log's numbers even with NO_COLOR when FORCE_COLOR is set at all.
  // deno-lint-ignore no-control-regex
  const lines = ran.stdout.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim());
  if (ran.code !== 0) return check(label, false, `exited ${ran.code}`);
  return check(label, lines.includes(output), `did not print "${output}"`);
}

/** How each runtime runs a script file: Node with source maps on, Deno with read access. */
const RUN_FILE: Record<string, string[]> = {
  node22: ["--enable-source-maps"],
  node24: ["--enable-source-maps"],
  bun: [],
  deno: ["run", "--allow-read"],
};

/** Runs `file` on each of `runtimes` in `cwd`; one check per runtime that must print `output`. */
async function runOnEach(
  label: string,
  ctx: Context,
  runtimes: string[],
  file: string,
  cwd: string,
): Promise<Outcome> {
  const outcome: Outcome = { passed: 0, failed: 0 };
  for (const runtime of runtimes) {
    const cmd = [ctx.runtimes[runtime].bin, ...RUN_FILE[runtime], file];
    const one = printed(
      `${label} ${runtime}`,
      await run(`${label} ${runtime}`, cmd, { cwd }),
      ctx.quick.output,
    );
    outcome.passed += one.passed;
    outcome.failed += one.failed;
  }
  return outcome;
}

/** The quick start's files as plain JavaScript ES modules, as a compiler would leave them. */
const JS_FILES = {
  "tasks.js": `import { task } from "${PACKAGE_NAME}";

export const add = task({ f: ([a, b]) => a + b });
export const greet = task({ f: async (name) => \`hello \${name}\` });
`,
  "main.js": `import { createPool, isMain } from "${PACKAGE_NAME}";
import { add, greet } from "./tasks.js";

const pool = createPool({ threads: 2 })({ add, greet });

if (isMain) {
  const [sum, text] = await Promise.all([pool.call.add([1, 2]), pool.call.greet("ada")]);
  console.log(sum, text);
  await pool.shutdown();
}
`,
};

/** The quick start as CommonJS, with `require()`. */
const CJS_FILES = {
  "tasks.js": `const { task } = require("${PACKAGE_NAME}");

exports.add = task({ f: ([a, b]) => a + b });
exports.greet = task({ f: async (name) => \`hello \${name}\` });
`,
  "main.js": `const { createPool, isMain } = require("${PACKAGE_NAME}");
const { add, greet } = require("./tasks.js");

const pool = createPool({ threads: 2 })({ add, greet });

if (isMain) {
  (async () => {
    const [sum, text] = await Promise.all([pool.call.add([1, 2]), pool.call.greet("ada")]);
    console.log(sum, text);
    await pool.shutdown();
  })().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
`,
};

/**
 * Tasks that a condition displaces: on the host `c` is number 3, in the workers number 3 is `d`,
 * whose source has the length of `c`'s; and a task that only the workers define shifts `hello`.
 * `main.js` prints each call's error message, or `WRONG RESULT` if a call answered.
 */
const IDENTITY_FILES = {
  "shifted.js": `import { isMain, task } from "${PACKAGE_NAME}";

export const a = task({ f: (x) => x + 1 });
export const hostOnly = isMain ? task({ f: (x) => x * 100 }) : undefined;
export const c = task({ f: (x) => x + 2 });
export const d = task({ f: (x) => x + 3 });
`,
  "worker_only.js": `import { isMain, task } from "${PACKAGE_NAME}";

export const workerOnly = isMain ? undefined : task({ f: (s) => \`worker \${s}\` });
export const hello = task({ f: (s) => \`hello \${s}\` });
`,
  "main.js": `import { createPool, isMain } from "${PACKAGE_NAME}";
import { a, c, d, hostOnly } from "./shifted.js";
import { hello } from "./worker_only.js";

async function report(label, call) {
  try {
    console.log(\`\${label}: WRONG RESULT \${await call}\`);
  } catch (err) {
    console.log(\`\${label}: \${err.name}: \${err.message}\`);
  }
}

if (isMain) {
  const pool = createPool({ threads: 1 })({ a, hostOnly, c, d, hello });
  console.log(\`a: \${await pool.call.a(1)}\`);
  await report("c", pool.call.c(0));
  await report("hello", pool.call.hello("ada"));
  await pool.shutdown();
}
`,
};

function identityOutcome(label: string, ran: Ran): Outcome {
  const text = ran.stdout;
  const line = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(text)?.[1] ?? "";
  const clear = (name: string, module: string) => {
    const message = line(name);
    return message.startsWith("ReferenceError: ") && message.includes(`"${name}"`) &&
      message.includes(module) && /behind a condition .* or in a loop/.test(message);
  };
  const problems = [
    ran.code !== 0 ? `exited ${ran.code}` : "",
    line("a") !== "2" ? "task a did not answer 2" : "",
    text.includes("WRONG RESULT") ? "a displaced task ran another function" : "",
    clear("c", "shifted.js") ? "" : "c's error does not name the task, module and cause",
    clear("hello", "worker_only.js") ? "" : "hello's error does not name the task, module, cause",
  ].filter((p) => p !== "");
  return check(label, problems.length === 0, problems.join("; "));
}

// --- the HTTP server for Deno -----------------------------------------------------------------

/** The files `deno publish` would upload, relative to the repository root. */
async function publishedFiles(): Promise<string[]> {
  const ran = await run("publish", [
    ...DENO.cmd,
    "publish",
    "--dry-run",
    "--allow-dirty",
    "--no-check",
  ], { cwd: ROOT, quiet: true });
  if (ran.code !== 0) {
    throw new Error(`Cannot list the JSR files: deno publish exited ${ran.code}\n${ran.text}`);
  }
  const prefix = `file://${ROOT}/`;
  const files = [...ran.text.matchAll(/^\s+(file:\/\/\S+) \(/gm)]
    .map((m) => decodeURI(m[1]))
    .filter((url) => url.startsWith(prefix))
    .map((url) => url.slice(prefix.length));
  if (!files.includes("mod.ts")) {
    throw new Error(`Cannot list the JSR files: mod.ts is not among ${files.length} file(s)`);
  }
  console.log(`publish | ${files.length} files in the JSR publish set`);
  return files;
}

/** Serves the JSR file set under `/weft/` and a case's files under `/app/`. */
function serve(published: string[], app: Map<string, string>): Deno.HttpServer<Deno.NetAddr> {
  const files = new Map(published.map((f) => [f, Deno.readTextFileSync(`${ROOT}/${f}`)]));
  const type = (path: string) =>
    path.endsWith(".ts")
      ? "application/typescript"
      : path.endsWith(".json")
      ? "application/json"
      : "text/plain";
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    const text = path.startsWith("/weft/")
      ? files.get(path.slice("/weft/".length))
      : app.get(path.slice(1));
    if (text === undefined) return new Response("not published\n", { status: 404 });
    return new Response(text, { headers: { "content-type": type(path) } });
  });
}

// --- the cases --------------------------------------------------------------------------------

interface Context {
  root: string;
  tarball: string;
  quick: QuickStart;
  runtimes: Record<string, Resolved>;
  tools: string;
  /** A project holding the tarball, `"type": "module"`; cases work in folders inside it. */
  esm: string;
  /** A project holding the tarball, as `npm init -y` leaves it (CommonJS). */
  cjs: string;
  published: string[];
}

interface Case {
  name: string;
  body: (ctx: Context, dir: string) => Promise<Outcome>;
}

/** Runs the README's commands for `runtime`, in `dir`; the last one is the program. */
async function quickStartCommands(
  label: string,
  ctx: Context,
  dir: string,
  runtime: Resolved,
  rewrite: (line: string) => string | undefined,
  env: Record<string, string> = {},
): Promise<Outcome> {
  const lines = ctx.quick.commands.get(runtime.name.replace(/\d+$/, ""))!;
  let last: Ran | undefined;
  for (const line of lines) {
    const command = rewrite(line);
    if (command === undefined) continue;
    last = await run(label, ["sh", "-c", command], {
      cwd: dir,
      env: { ...pathWith(runtime), ...env },
    });
    if (last.code !== 0) return check(label, false, `\`${line}\` exited ${last.code}`);
  }
  return printed(label, last!, ctx.quick.output);
}

/** The README's install line, installing the packed tarball in place of the registry's. */
function fromTarball(line: string, tarball: string): string {
  if (line === `bun add ${PACKAGE_NAME}`) return `bun add ${tarball}`;
  if (line === `npm i ${PACKAGE_NAME}` || line === `npm install ${PACKAGE_NAME}`) {
    return `npm install ${NPM_INSTALL_FLAGS.join(" ")} ${tarball}`;
  }
  return line;
}

function nodeQuickStart(runtime: string): Case {
  const label = `${runtime} quick start`;
  return {
    name: label,
    body: (ctx, dir) => {
      write(dir, Object.fromEntries(ctx.quick.files));
      const runtimeOf = ctx.runtimes[runtime];
      return quickStartCommands(label, ctx, dir, runtimeOf, (l) => fromTarball(l, ctx.tarball));
    },
  };
}

function denoQuickStart(where: "local" | "remote"): Case {
  return {
    name: `deno http, ${where} tasks`,
    body: async (ctx, dir) => {
      const label = `deno http, ${where} tasks`;
      const app = new Map<string, string>();
      const server = serve(ctx.published, app);
      try {
        const origin = `http://127.0.0.1:${server.addr.port}`;
        const weft = `${origin}/weft/mod.ts`;
        const files = Object.fromEntries(ctx.quick.files);
        if (where === "remote") {
          // A remote module imports weft by URL: the app's import map is not its own.
          app.set("tasks.ts", files["tasks.ts"].replace(`"${PACKAGE_NAME}"`, `"${weft}"`));
          files["main.ts"] = files["main.ts"].replace('"./tasks.ts"', `"${origin}/tasks.ts"`);
          delete files["tasks.ts"];
        }
        write(dir, files);
        return await quickStartCommands(label, ctx, dir, ctx.runtimes.deno, (line) => {
          if (line === `deno add jsr:${PACKAGE_NAME}`) {
            // What `deno add` writes, with the local server standing in for JSR.
            write(dir, { "deno.json": JSON.stringify({ imports: { [PACKAGE_NAME]: weft } }) });
            return undefined;
          }
          // JSR's host may be imported from by default; the local server needs naming.
          return line.replace(
            /^deno run /,
            `deno run --allow-import=127.0.0.1:${server.addr.port} `,
          );
          // A cache of its own, so that every module comes from the server.
        }, { DENO_DIR: `${dir}/.deno` });
      } finally {
        await server.shutdown();
      }
    },
  };
}

const CASES: Case[] = [
  denoQuickStart("local"),
  denoQuickStart("remote"),
  nodeQuickStart("node22"),
  nodeQuickStart("node24"),
  nodeQuickStart("bun"),
  ...["node22", "node24", "bun"].map((runtime): Case => ({
    name: `${runtime} commonjs require`,
    body: async (ctx, dir) => {
      write(dir, CJS_FILES);
      const ran = await run(`${runtime} commonjs require`, [ctx.runtimes[runtime].bin, "main.js"], {
        cwd: dir,
      });
      return printed(`${runtime} commonjs require`, ran, ctx.quick.output);
    },
  })),
  ...["node22", "node24", "bun"].map((runtime): Case => ({
    name: `${runtime} commonjs project, .mts`,
    body: async (ctx, dir) => {
      const label = `${runtime} commonjs project, .mts`;
      write(dir, {
        "tasks.mts": ctx.quick.files.get("tasks.ts")!,
        "main.mts": ctx.quick.files.get("main.ts")!.replace('"./tasks.ts"', '"./tasks.mts"'),
      });
      const ran = await run(label, [ctx.runtimes[runtime].bin, "main.mts"], { cwd: dir });
      return printed(label, ran, ctx.quick.output);
    },
  })),
  ...["node22", "node24"].map((runtime): Case => ({
    name: `${runtime} tsx`,
    body: async (ctx, dir) => {
      write(dir, Object.fromEntries(ctx.quick.files));
      const tsx = `${ctx.tools}/node_modules/tsx/dist/cli.mjs`;
      const ran = await run(`${runtime} tsx`, [ctx.runtimes[runtime].bin, tsx, "main.ts"], {
        cwd: dir,
      });
      return printed(`${runtime} tsx`, ran, ctx.quick.output);
    },
  })),
  ...["node22", "node24"].map((runtime): Case => ({
    name: `${runtime} --enable-source-maps, js`,
    body: async (ctx, dir) => {
      const label = `${runtime} --enable-source-maps, js`;
      write(dir, JS_FILES);
      const ran = await run(label, [ctx.runtimes[runtime].bin, "--enable-source-maps", "main.js"], {
        cwd: dir,
      });
      return printed(label, ran, ctx.quick.output);
    },
  })),
  {
    name: "tsc sourceMap, run from dist/",
    body: async (ctx, dir) => {
      const label = "tsc sourceMap";
      write(dir, {
        "src/tasks.ts": ctx.quick.files.get("tasks.ts")!,
        "src/main.ts": ctx.quick.files.get("main.ts")!,
        "tsconfig.json": JSON.stringify({
          compilerOptions: {
            // What `tsc --init` writes, less what does not matter here.
            target: "esnext",
            module: "nodenext",
            rewriteRelativeImportExtensions: true,
            sourceMap: true,
            strict: true,
            skipLibCheck: true,
            types: [],
            rootDir: "src",
            outDir: "dist",
          },
        }),
      });
      const tsc = `${ctx.tools}/node_modules/typescript/bin/tsc`;
      const compiled = await run(label, [ctx.runtimes.node24.bin, tsc, "-p", "."], { cwd: dir });
      if (compiled.code !== 0) return exitCheck(compiled);
      // The maps point at src/; with it gone, a worker that follows them finds nothing to import.
      Deno.renameSync(`${dir}/src`, `${dir}/src.moved`);
      return runOnEach(label, ctx, ["node22", "node24", "bun", "deno"], "dist/main.js", dir);
    },
  },
  ...(["esm", "cjs"] as const).map((format): Case => ({
    name: `esbuild ${format} bundle`,
    body: async (ctx, dir) => {
      const label = `esbuild ${format}`;
      // CJS has no top-level await: the CommonJS quick start is the app bundled as CJS.
      write(dir, format === "esm" ? Object.fromEntries(ctx.quick.files) : CJS_FILES);
      const away = `${ctx.root}/away-esbuild-${format}`;
      const out = `${away}/app.${format === "esm" ? "mjs" : "cjs"}`;
      const esbuild = `${ctx.tools}/node_modules/.bin/esbuild`;
      const entry = format === "esm" ? "main.ts" : "main.js";
      const built = await run(label, [
        esbuild,
        entry,
        "--bundle",
        "--platform=node",
        `--format=${format}`,
        `--outfile=${out}`,
        "--log-level=warning",
      ], { cwd: dir });
      if (built.code !== 0) return exitCheck(built);
      return runOnEach(label, ctx, ["node22", "node24", "bun", "deno"], out, away);
    },
  })),
  {
    name: "bun build",
    body: async (ctx, dir) => {
      write(dir, Object.fromEntries(ctx.quick.files));
      const away = `${ctx.root}/away-bun-build`;
      const out = `${away}/app.js`;
      const bun = ctx.runtimes.bun.bin;
      const built = await run("bun build", [
        bun,
        "build",
        "main.ts",
        "--target=bun",
        "--outfile",
        out,
      ], {
        cwd: dir,
      });
      if (built.code !== 0) return exitCheck(built);
      return runOnEach("bun build", ctx, ["bun"], out, away);
    },
  },
  ...["node22", "node24", "bun"].map((runtime): Case => ({
    name: `${runtime} displaced tasks`,
    body: async (ctx, dir) => {
      write(dir, IDENTITY_FILES);
      const ran = await run(`${runtime} displaced tasks`, [ctx.runtimes[runtime].bin, "main.js"], {
        cwd: dir,
      });
      return identityOutcome(`${runtime} displaced tasks`, ran);
    },
  })),
  {
    name: "system node below 22",
    body: async (_ctx, dir) => {
      const label = "system node";
      const node = await systemNode();
      const major = Number(/^v(\d+)\./.exec(node?.version ?? "")?.[1]);
      if (node === undefined || !(major < 22)) {
        // Nothing to check on a machine whose node is new enough: it counts as neither.
        console.log(
          `${label} | no node below 22 on PATH (found ${node?.version}): nothing to check`,
        );
        return { passed: 0, failed: 0 };
      }
      write(dir, JS_FILES);
      const ran = await run(label, [node.bin, "main.js"], { cwd: dir });
      const version = node.version.replace(/^v/, "");
      return check(
        label,
        ran.code !== 0 && ran.text.includes(version) && /\b22\b/.test(ran.text) &&
          !ran.text.includes("is not a function"),
        `${node.bin} ${node.version} should fail naming ${node.version} and 22`,
      );
    },
  },
];

// --- main ------------------------------------------------------------------------------------

const root = await Deno.makeTempDir({ prefix: "weft-field-" });
try {
  const chosen = CASES.filter((c) => only === undefined || c.name.includes(only));
  const [packed, published, toolsDir, ...resolved] = await Promise.all([
    buildAndPack(root),
    publishedFiles(),
    tools(),
    ...[DENO, NODE22, NODE24, BUN].map((r) => resolveBinary(r, root)),
  ]);
  const runtimes = Object.fromEntries(resolved.map((r) => [r.name, r]));
  const ctx: Context = {
    root,
    tarball: packed.tarball,
    quick: readQuickStart(),
    runtimes,
    tools: toolsDir,
    esm: `${root}/esm`,
    cjs: `${root}/cjs`,
    published,
  };
  // Two shared projects: one made ESM as the README says, one left CommonJS as npm makes it.
  const project = async (dir: string, type: string | undefined) => {
    Deno.mkdirSync(dir);
    const init = await run("init", ["npm", "init", "-y"], { cwd: dir, echo: false });
    if (init.code !== 0) throw new Error(`Cannot npm init in ${dir}: exited ${init.code}`);
    if (type !== undefined) await run("init", ["npm", "pkg", "set", `type=${type}`], { cwd: dir });
    await npmInstall("install", dir, [packed.tarball]);
  };
  await Promise.all([project(ctx.esm, "module"), project(ctx.cjs, undefined)]);
  const cjsCases = /commonjs|esbuild cjs/;
  const ownFolder = /quick start|deno http/;
  for (const c of chosen) {
    // Quick starts begin in an empty folder of their own; the rest share an installed project.
    const base = ownFolder.test(c.name) ? root : cjsCases.test(c.name) ? ctx.cjs : ctx.esm;
    const dir = `${base}/${c.name.replace(/[^\w]+/g, "-")}`;
    Deno.mkdirSync(dir);
    await checks.run(c.name, () => c.body(ctx, dir));
  }
} catch (err) {
  checks.fail("setup", err);
} finally {
  if (keep) console.log(`field | kept ${root}`);
  else await Deno.remove(root, { recursive: true });
}
checks.finish();
