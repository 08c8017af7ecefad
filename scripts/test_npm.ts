/**
 * Tests the npm package as a user gets it: builds it (as `deno task build:npm` does, but into a
 * temporary folder, so concurrent runs in one working tree do not clash), packs it with
 * `npm pack`, installs the tarball into an empty temporary project, and there runs, on Node 22,
 * Node 24 and Bun:
 *
 * - the test suite, with imports of the repository's `mod.ts` rewritten to `weft` (test files that
 *   reach into `src/` test internals, not the package, and are skipped and named);
 * - an ESM import (`esm_test.mjs`) and a `require()` (`require_test.cjs`) of the package that run a
 *   task on a pool;
 *
 * and, once, a TypeScript consumer type-checked by `tsc --noEmit` against the shipped `.d.ts`.
 *
 * Child output is echoed with a `runtime |` prefix, so that `scripts/test_all.ts` counts only the
 * closing line `npm: N passed, N failed`. Exits non-zero on any failure.
 *
 * Options: `--keep` keeps the temporary project and prints its path.
 *
 * @module
 */

import { buildNpm, NODE_TYPES_VERSION, ROOT, TYPESCRIPT_VERSION } from "./build_npm.ts";
import { BUN, NODE22, NODE24, type PinnedRuntime } from "./runtimes.ts";

interface Check {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
}

const checks: Check[] = [];
const keep = Deno.args.includes("--keep");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Ran {
  code: number;
  text: string;
}

/**
 * Runs `cmd` in `cwd`, echoing its output line by line behind `label |` (stdout only when `echo`
 * is true: `npm pack --json` output is parsed, not shown).
 */
async function run(label: string, cmd: string[], cwd: string, echo = true): Promise<Ran> {
  console.log(`${label} | $ ${cmd.join(" ")}`);
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "0" },
  }).spawn();
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>, show: boolean) => {
    let pending = "";
    for await (const chunk of stream) {
      const s = decoder.decode(chunk, { stream: true });
      text += s;
      pending += s;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      if (!show) continue;
      for (const line of lines) Deno.stdout.writeSync(encoder.encode(`${label} | ${line}\n`));
    }
    if (show && pending !== "") Deno.stdout.writeSync(encoder.encode(`${label} | ${pending}\n`));
  };
  await Promise.all([pump(child.stdout, echo), pump(child.stderr, true)]);
  const { code } = await child.status;
  return { code, text };
}

async function timed(name: string, body: () => Promise<{ passed: number; failed: number }>) {
  const start = performance.now();
  let outcome: { passed: number; failed: number };
  try {
    outcome = await body();
  } catch (err) {
    // A check that throws (a command that cannot start, a missing file) fails that check only;
    // the remaining checks still run and the summary still prints.
    console.log(`${name} | error: ${err instanceof Error ? err.stack : String(err)}`);
    outcome = { passed: 0, failed: 1 };
  }
  const seconds = (performance.now() - start) / 1000;
  checks.push({ name, ...outcome, seconds });
  console.log(
    `${name} | ${outcome.passed} passed, ${outcome.failed} failed (${seconds.toFixed(1)}s)`,
  );
}

/** One check that passes when the command exits 0. */
function exitCheck(ran: Ran): { passed: number; failed: number } {
  return ran.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

// --- the test suite, rewritten to import the package ---------------------------------------

interface SuiteFile {
  /** Path relative to `tests/`. */
  rel: string;
  /** Rewritten source. */
  text: string;
  /** Relative paths (from `tests/`) of the suite files it imports. */
  imports: string[];
  /** Why it cannot run against the package, if it cannot. */
  outside: string | undefined;
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(["'])([^"'\n]+)\2/gm;
const SOURCE_EXT = /\.(ts|mts|js|mjs|cjs|json)$/;

function walkFiles(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const rel = base === "" ? entry.name : `${base}/${entry.name}`;
    if (entry.isDirectory) out.push(...walkFiles(`${dir}/${entry.name}`, rel));
    else if (entry.isFile) out.push(rel);
  }
  return out.sort();
}

function normalize(path: string): string {
  return new URL(`file://${path}`).pathname;
}

/** Rewrites imports of the repository's `mod.ts` to `weft`; notes imports that leave `tests/`. */
function rewriteSuiteFile(testsDir: string, rel: string): SuiteFile {
  const source = Deno.readTextFileSync(`${testsDir}/${rel}`);
  const dir = `${testsDir}/${rel}`.replace(/\/[^/]*$/, "");
  const imports: string[] = [];
  let outside: string | undefined;
  const text = source.replace(SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    if (!spec.startsWith("./") && !spec.startsWith("../")) return whole;
    const target = normalize(`${dir}/${spec}`);
    if (target === `${ROOT}/mod.ts`) return `${lead}${quote}weft${quote}`;
    if (target.startsWith(`${testsDir}/`)) imports.push(target.slice(testsDir.length + 1));
    else outside ??= target.slice(ROOT.length + 1);
    return whole;
  });
  return { rel, text, imports, outside };
}

/** Why `rel` cannot run against the package (it or a suite file it imports leaves `tests/`). */
function blocker(
  files: Map<string, SuiteFile>,
  rel: string,
  seen = new Set<string>(),
): string | undefined {
  if (seen.has(rel)) return undefined;
  seen.add(rel);
  const file = files.get(rel);
  if (file === undefined) return undefined;
  if (file.outside !== undefined) {
    return rel === [...seen][0] ? file.outside : `${file.outside} (through ${rel})`;
  }
  for (const dep of file.imports) {
    const why = blocker(files, dep, seen);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** Copies `tests/` into the project with rewritten imports; returns the runnable test files. */
function copySuite(project: string): string[] {
  const testsDir = `${ROOT}/tests`;
  let all: string[];
  try {
    all = walkFiles(testsDir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const files = new Map<string, SuiteFile>();
  for (const rel of all) {
    if (SOURCE_EXT.test(rel) && !rel.endsWith(".json")) {
      files.set(rel, rewriteSuiteFile(testsDir, rel));
    }
  }
  const runnable: string[] = [];
  const skipped: string[] = [];
  for (const rel of all) {
    const target = `${project}/tests/${rel}`;
    Deno.mkdirSync(target.replace(/\/[^/]*$/, ""), { recursive: true });
    const file = files.get(rel);
    if (file === undefined) Deno.copyFileSync(`${testsDir}/${rel}`, target);
    else Deno.writeTextFileSync(target, file.text);
    if (!rel.endsWith("_test.ts")) continue;
    const why = blocker(files, rel);
    if (why === undefined) runnable.push(`tests/${rel}`);
    else skipped.push(`tests/${rel} (imports ${why})`);
  }
  console.log(`suite | ${runnable.length} test file(s) run against the package`);
  for (const s of skipped) console.log(`suite | skipped, tests internals: ${s}`);
  return runnable;
}

function countTests(text: string, runtime: PinnedRuntime): { passed: number; failed: number } {
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  if (runtime === BUN) {
    return { passed: sum(/^\s*(\d+) pass$/gm), failed: sum(/^\s*(\d+) fail$/gm) };
  }
  return { passed: sum(/^# pass (\d+)$/gm), failed: sum(/^# fail (\d+)$/gm) };
}

function suiteCommand(runtime: PinnedRuntime, files: string[]): string[] {
  if (runtime === BUN) return [...runtime.cmd, "test", ...files.map((f) => `./${f}`)];
  return [...runtime.cmd, "--test", "--test-reporter=tap", "--test-concurrency=1", ...files];
}

// --- the smaller checks ----------------------------------------------------------------------

const ESM_TEST = `import assert from "node:assert/strict";
import { createPool, isMain, task } from "weft";

export const add = task({ f: ([a, b]) => a + b });
export const greet = task({ f: async (name) => \`hello \${name}\` });

if (isMain) {
  const resolved = import.meta.resolve("weft");
  assert.match(resolved, /\\/node_modules\\/weft\\/esm\\/mod\\.js$/, resolved);
  const pool = createPool({ threads: 2 })({ add, greet });
  assert.equal(await pool.call.add([1, 2]), 3);
  const results = await Promise.all([pool.call.add([20, 22]), pool.call.greet("ada")]);
  assert.deepEqual(results, [42, "hello ada"]);
  await pool.shutdown();
  console.log("esm import: ok");
}
`;

const REQUIRE_TEST = `"use strict";
const assert = require("node:assert/strict");
const { createPool, isMain, task } = require("weft");

assert.match(require.resolve("weft"), /\\/node_modules\\/weft\\/esm\\/mod\\.js$/);
const double = task({ f: (n) => n * 2 });
exports.double = double;

if (isMain) {
  (async () => {
    const pool = createPool({ threads: 1 })({ double });
    assert.equal(await pool.call.double(21), 42);
    await pool.shutdown();
    console.log("require: ok");
  })().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
`;

const CONSUMER = `import {
  createPool,
  isMain,
  type Pool,
  PoolClosedError,
  type PoolOptions,
  type Task,
  task,
} from "weft";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true
  : false;
function assertType<T extends true>(_proof?: T): void {}

export const add = task({ f: ([a, b]: [number, number]) => a + b });
export const greet = task({ f: async (name: string) => \`hello \${name}\` });

assertType<Equal<typeof add, Task<[number, number], number>>>();
// An async function's result is unwrapped: the task resolves with a string.
assertType<Equal<typeof greet, Task<string, string>>>();
assertType<Equal<typeof isMain, boolean>>();

const options: PoolOptions = { threads: 1 };

export async function main(): Promise<void> {
  const pool: Pool<{ add: typeof add; greet: typeof greet }> = createPool(options)({ add, greet });
  const sum = await pool.call.add([1, 2]);
  assertType<Equal<typeof sum, number>>();
  const text = await pool.call.greet(Promise.resolve("ada"));
  assertType<Equal<typeof text, string>>();
  // @ts-expect-error: add takes a pair of numbers, not a string
  await pool.call.add("1 + 2");
  // @ts-expect-error: the pool has no task called mul
  await pool.call.mul([1, 2]);
  const single = add.createPool({ threads: 1 });
  const viaSingle: number = await single.call([2, 3]);
  assertType<Equal<typeof viaSingle, number>>();
  await Promise.all([pool.shutdown(), single.shutdown()]);
}

export function isClosed(err: unknown): boolean {
  if (!(err instanceof PoolClosedError)) return false;
  const asError: Error = err;
  return asError.message !== "";
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2024"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
    strict: true,
    noEmit: true,
    // Check weft's own declaration files too: that is what this test is about.
    skipLibCheck: false,
  },
  files: ["consumer.ts"],
};

// --- main ----------------------------------------------------------------------------------

const start = performance.now();
const project = await Deno.makeTempDir({ prefix: "weft-npm-" });
try {
  const built = `${project}/package`;
  const { version } = await buildNpm({ outDir: built });
  console.log(`build | built weft@${version} with TypeScript ${TYPESCRIPT_VERSION}`);

  const packCmd = ["npm", "pack", "--json", "--loglevel=error", "--pack-destination", project];
  const pack = await run("pack", packCmd, built, false);
  if (pack.code !== 0) throw new Error(`Cannot pack ${built}: npm pack exited with ${pack.code}`);
  const packed = JSON.parse(pack.text.slice(pack.text.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = `${project}/${packed[0].filename}`;

  await timed("contents", () => {
    const paths = packed[0].files.map((f) => f.path);
    const wanted = ["package.json", "LICENSE", "esm/mod.js", "esm/mod.d.ts"];
    wanted.push("esm/src/worker/entry.js", "esm/src/runtime/entry_url.js");
    const missing = wanted.filter((p) => !paths.includes(p));
    const source = paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"));
    for (const m of missing) console.log(`contents | missing from the tarball: ${m}`);
    for (const s of source) console.log(`contents | TypeScript source in the tarball: ${s}`);
    // The README is documentation, not code: `release:check` requires it, these tests do not.
    if (!paths.includes("README.md")) console.log("contents | warning: no README.md");
    console.log(`contents | ${paths.length} files in ${packed[0].filename}`);
    const ok = missing.length === 0 && source.length === 0;
    return Promise.resolve(ok ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  });

  Deno.writeTextFileSync(
    `${project}/package.json`,
    JSON.stringify({ name: "weft-npm-test", private: true, type: "module" }, null, 2) + "\n",
  );
  const install = await run("install", [
    "npm",
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    tarball,
    `typescript@${TYPESCRIPT_VERSION}`,
    `@types/node@${NODE_TYPES_VERSION}`,
  ], project);
  if (install.code !== 0) throw new Error(`Cannot install ${tarball}: npm exited ${install.code}`);

  const suite = copySuite(project);
  Deno.writeTextFileSync(`${project}/esm_test.mjs`, ESM_TEST);
  Deno.writeTextFileSync(`${project}/require_test.cjs`, REQUIRE_TEST);
  Deno.writeTextFileSync(`${project}/consumer.ts`, CONSUMER);
  Deno.writeTextFileSync(`${project}/tsconfig.json`, JSON.stringify(TSCONFIG, null, 2) + "\n");

  await timed("tsc", async () =>
    exitCheck(
      await run("tsc", [...NODE24.cmd, "node_modules/typescript/bin/tsc", "-p", "."], project),
    ));

  for (const runtime of [NODE22, NODE24, BUN]) {
    const name = runtime.name;
    await timed(
      `${name} esm`,
      async () => exitCheck(await run(`${name} esm`, [...runtime.cmd, "esm_test.mjs"], project)),
    );
    await timed(`${name} require`, async () => {
      const ran = await run(`${name} require`, [...runtime.cmd, "require_test.cjs"], project);
      if (runtime !== BUN && ran.text.includes("ERR_REQUIRE_ASYNC_MODULE")) {
        // require(esm) refuses a graph with top-level await; Node names the module only when asked.
        const traced = await run(
          `${name} require`,
          [...runtime.cmd, "--experimental-print-required-tla", "require_test.cjs"],
          project,
        );
        // Node 22 prints "unexpected top-level await at <url>:<line>", Node 24 "<path>:<line>".
        const at = /unexpected top-level await at (\S+)|^(\/\S+\.m?js:\d+)$/m.exec(traced.text);
        const where = at?.[1] ?? at?.[2] ?? "a module Node did not name";
        console.log(`${name} require | weft's ESM graph has top-level await in ${where}`);
      }
      return exitCheck(ran);
    });
    if (suite.length === 0) continue;
    await timed(`${name} suite`, async () => {
      const ran = await run(`${name} suite`, suiteCommand(runtime, suite), project);
      const counted = countTests(ran.text, runtime);
      // A runner that dies before it prints its counts still fails the run.
      if (ran.code !== 0 && counted.failed === 0) counted.failed = 1;
      return counted;
    });
  }
} catch (err) {
  console.log(`npm | error: ${err instanceof Error ? err.stack : String(err)}`);
  checks.push({ name: "setup", passed: 0, failed: 1, seconds: 0 });
} finally {
  if (keep) console.log(`npm | kept ${project}`);
  else await Deno.remove(project, { recursive: true });
}

console.log("\nnpm check                passed  failed  seconds");
for (const c of checks) {
  console.log(
    `${c.name.padEnd(24)} ${String(c.passed).padStart(6)}  ${String(c.failed).padStart(6)}  ${
      c.seconds.toFixed(1).padStart(7)
    }`,
  );
}
const passed = checks.reduce((n, c) => n + c.passed, 0);
const failed = checks.reduce((n, c) => n + c.failed, 0);
console.log(`(${((performance.now() - start) / 1000).toFixed(1)}s)`);
console.log(`npm: ${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);
