/**
 * Tests the npm package as a user gets it: builds it (as `deno task build:npm` does, but into a
 * temporary folder, so concurrent runs in one working tree do not clash), packs it with
 * `npm pack`, installs the tarball into an empty temporary project, and there runs, on Node 22,
 * Node 24 and Bun:
 *
 * - the test suite, with imports of the repository's `mod.ts` rewritten to `@weft/weft` (test
 *   files that reach into `src/` test internals, not the package, and are skipped and named);
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

import { NODE_TYPES_VERSION, PACKAGE_NAME, ROOT, TYPESCRIPT_VERSION } from "./build_npm.ts";
import { buildAndPack, Checks, exitCheck, npmInstall, run } from "./package_kit.ts";
import { BUN, NODE22, NODE24, type PinnedRuntime } from "./runtimes.ts";

const checks = new Checks("npm");
const keep = Deno.args.includes("--keep");

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

/** Rewrites imports of the repository's `mod.ts` to `@weft/weft`; notes imports that leave `tests/`. */
function rewriteSuiteFile(testsDir: string, rel: string): SuiteFile {
  const source = Deno.readTextFileSync(`${testsDir}/${rel}`);
  const dir = `${testsDir}/${rel}`.replace(/\/[^/]*$/, "");
  const imports: string[] = [];
  let outside: string | undefined;
  const text = source.replace(SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    if (!spec.startsWith("./") && !spec.startsWith("../")) return whole;
    const target = normalize(`${dir}/${spec}`);
    if (target === `${ROOT}/mod.ts`) return `${lead}${quote}${PACKAGE_NAME}${quote}`;
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
  // Bun ends a test after 5 s unless told otherwise; Deno and Node set no limit. Process
  // workers start a whole child per worker, which on a loaded machine takes seconds.
  if (runtime === BUN) {
    return [...runtime.cmd, "test", "--timeout=60000", ...files.map((f) => `./${f}`)];
  }
  return [...runtime.cmd, "--test", "--test-reporter=tap", "--test-concurrency=1", ...files];
}

// --- the smaller checks ----------------------------------------------------------------------

const ESM_TEST = `import assert from "node:assert/strict";
import { createPool, isMain, task } from "@weft/weft";

export const add = task({ f: ([a, b]) => a + b });
export const greet = task({ f: async (name) => \`hello \${name}\` });

if (isMain) {
  const resolved = import.meta.resolve("@weft/weft");
  assert.match(resolved, /\\/node_modules\\/@weft\\/weft\\/esm\\/mod\\.js$/, resolved);
  const pool = createPool({ threads: 2 })({ add, greet });
  assert.equal(await pool.call.add([1, 2]), 3);
  const results = await Promise.all([pool.call.add([20, 22]), pool.call.greet("ada")]);
  assert.deepEqual(results, [42, "hello ada"]);
  await pool.shutdown();
  const processes = createPool({ threads: 1, isolation: "process" })({ add });
  assert.equal(await processes.call.add([2, 3]), 5);
  await processes.close();
  console.log("esm import: ok");
}
`;

const REQUIRE_TEST = `"use strict";
const assert = require("node:assert/strict");
const { createPool, isMain, task } = require("@weft/weft");

assert.match(require.resolve("@weft/weft"), /\\/node_modules\\/@weft\\/weft\\/esm\\/mod\\.js$/);
const double = task({ f: (n) => n * 2 });
exports.double = double;

if (isMain) {
  (async () => {
    const pool = createPool({ threads: 1 })({ double });
    assert.equal(await pool.call.double(21), 42);
    await pool.shutdown();
    const processes = createPool({ threads: 1, isolation: "process" })({ double });
    assert.equal(await processes.call.double(4), 8);
    await processes.close();
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
} from "@weft/weft";

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

const project = await Deno.makeTempDir({ prefix: "weft-npm-" });
try {
  const packed = await buildAndPack(project);
  const tarball = packed.tarball;

  await checks.run("contents", () => {
    const paths = packed.files;
    const wanted = ["package.json", "LICENSE", "esm/mod.js", "esm/mod.d.ts"];
    wanted.push("esm/src/worker/entry.js", "esm/src/runtime/entry_url.js");
    wanted.push("esm/src/worker/relay_entry.js", "esm/src/process/child_entry.js");
    const missing = wanted.filter((p) => !paths.includes(p));
    const source = paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"));
    for (const m of missing) console.log(`contents | missing from the tarball: ${m}`);
    for (const s of source) console.log(`contents | TypeScript source in the tarball: ${s}`);
    // The README is documentation, not code: `release:check` requires it, these tests do not.
    if (!paths.includes("README.md")) console.log("contents | warning: no README.md");
    console.log(`contents | ${paths.length} files in ${tarball.slice(project.length + 1)}`);
    const ok = missing.length === 0 && source.length === 0;
    return ok ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  });

  Deno.writeTextFileSync(
    `${project}/package.json`,
    JSON.stringify({ name: "weft-npm-test", private: true, type: "module" }, null, 2) + "\n",
  );
  await npmInstall("install", project, [
    tarball,
    `typescript@${TYPESCRIPT_VERSION}`,
    `@types/node@${NODE_TYPES_VERSION}`,
  ]);
  const suite = copySuite(project);
  Deno.writeTextFileSync(`${project}/esm_test.mjs`, ESM_TEST);
  Deno.writeTextFileSync(`${project}/require_test.cjs`, REQUIRE_TEST);
  Deno.writeTextFileSync(`${project}/consumer.ts`, CONSUMER);
  Deno.writeTextFileSync(`${project}/tsconfig.json`, JSON.stringify(TSCONFIG, null, 2) + "\n");

  await checks.run("tsc", async () =>
    exitCheck(
      await run("tsc", [...NODE24.cmd, "node_modules/typescript/bin/tsc", "-p", "."], {
        cwd: project,
      }),
    ));

  for (const runtime of [NODE22, NODE24, BUN]) {
    const name = runtime.name;
    await checks.run(
      `${name} esm`,
      async () =>
        exitCheck(await run(`${name} esm`, [...runtime.cmd, "esm_test.mjs"], { cwd: project })),
    );
    await checks.run(`${name} require`, async () => {
      const ran = await run(`${name} require`, [...runtime.cmd, "require_test.cjs"], {
        cwd: project,
      });
      if (runtime !== BUN && ran.text.includes("ERR_REQUIRE_ASYNC_MODULE")) {
        // require(esm) refuses a graph with top-level await; Node names the module only when asked.
        const traced = await run(
          `${name} require`,
          [...runtime.cmd, "--experimental-print-required-tla", "require_test.cjs"],
          { cwd: project },
        );
        // Node 22 prints "unexpected top-level await at <url>:<line>", Node 24 "<path>:<line>".
        const at = /unexpected top-level await at (\S+)|^(\/\S+\.m?js:\d+)$/m.exec(traced.text);
        const where = at?.[1] ?? at?.[2] ?? "a module Node did not name";
        console.log(`${name} require | weft's ESM graph has top-level await in ${where}`);
      }
      return exitCheck(ran);
    });
    if (suite.length === 0) continue;
    await checks.run(`${name} suite`, async () => {
      const ran = await run(`${name} suite`, suiteCommand(runtime, suite), { cwd: project });
      const counted = countTests(ran.text, runtime);
      // A runner that dies before it prints its counts still fails the run.
      if (ran.code !== 0 && counted.failed === 0) counted.failed = 1;
      return counted;
    });
  }
} catch (err) {
  checks.fail("setup", err);
} finally {
  if (keep) console.log(`npm | kept ${project}`);
  else await Deno.remove(project, { recursive: true });
}

checks.finish();
