/**
 * Runs every test on every runtime: `deno task test`. Each runtime is fetched pinned through
 * `npx`. Options: `--only=docs,deno,node22,node24,bun,npm,field,examples` to run a subset; any
 * other argument is a test file or folder (default: `tests/`), and then only the runtimes' stages
 * run.
 *
 * Ends with one line `weft tests: N passed, N failed` and exits non-zero on any failure.
 *
 * @module
 */

import { PACK_DIR_VARIABLE } from "./package_kit.ts";
import { BUN, DENO, NODE22, NODE24, type PinnedRuntime } from "./runtimes.ts";

interface Outcome {
  name: string;
  passed: number;
  failed: number;
  code: number;
  seconds: number;
}

const args = Deno.args.filter((a) => !a.startsWith("--only="));
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const targets = args.length > 0 ? args : ["tests/"];

function files(): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const info = Deno.statSync(path);
    if (info.isFile) {
      if (path.endsWith("_test.ts")) out.push(path);
      return;
    }
    for (const entry of Deno.readDirSync(path)) walk(`${path.replace(/\/$/, "")}/${entry.name}`);
  };
  for (const t of targets) walk(t);
  return out.sort();
}

function count(raw: string, patterns: RegExp[]): number {
  // Colour codes would hide the start of Deno's closing line from the patterns.
  // deno-lint-ignore no-control-regex
  const text = raw.replace(/\x1b\[[0-9;]*m/g, "");
  let total = 0;
  for (const p of patterns) for (const m of text.matchAll(p)) total += Number(m[1]);
  return total;
}

/** Regexps whose first group counts passed and failed tests in a child's output. */
interface Counting {
  passed: RegExp[];
  failed: RegExp[];
}

/**
 * Node's TAP `# pass N`, Bun's ` N pass`, and Deno's closing line, where `describe()` blocks are
 * tests and `it()` blocks are steps: `ok | 5 passed (20 steps) | 0 failed`, so the steps count.
 */
const RUNNER_COUNTS: Counting = {
  passed: [
    /^# pass (\d+)/gm,
    /^\s*(\d+) pass$/gm,
    /^(?:ok|FAILED) \| \d+ passed \((\d+) steps?\)/gm,
    /^(?:ok|FAILED) \| (\d+) passed \|/gm,
  ],
  failed: [
    /^# fail (\d+)/gm,
    /^\s*(\d+) fail$/gm,
    /^(?:ok|FAILED) \|.*?\| \d+ failed \((\d+) steps?\)/gm,
    /^(?:ok|FAILED) \|.*?\| (\d+) failed(?: \| \d+ ignored)?(?: \(\d+[a-z]*\))?$/gm,
  ],
};

/**
 * `scripts/test_npm.ts` and `scripts/test_field.ts` run several runners and checks of their own
 * and sum them up in one closing line (`npm: N passed, N failed`); they prefix the runners' lines
 * so that only that line is counted.
 */
function stageCounts(stage: string): Counting {
  return {
    passed: [new RegExp(`^${stage}: (\\d+) passed, \\d+ failed$`, "gm")],
    failed: [new RegExp(`^${stage}: \\d+ passed, (\\d+) failed$`, "gm")],
  };
}

async function run(
  name: string,
  cmd: string[],
  counting = RUNNER_COUNTS,
  env: Record<string, string> = {},
): Promise<Outcome> {
  console.log(`\n=== ${name}: ${cmd.join(" ")}`);
  const start = performance.now();
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "0", ...env },
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: (s: string) => void) => {
    for await (const chunk of stream) {
      const s = decoder.decode(chunk, { stream: true });
      text += s;
      sink(s);
    }
  };
  const encoder = new TextEncoder();
  await Promise.all([
    pump(child.stdout, (s) => Deno.stdout.writeSync(encoder.encode(s))),
    pump(child.stderr, (s) => Deno.stderr.writeSync(encoder.encode(s))),
  ]);
  const { code } = await child.status;
  const passed = count(text, counting.passed);
  const failed = count(text, counting.failed);
  return { name, passed, failed, code, seconds: (performance.now() - start) / 1000 };
}

function command(runtime: PinnedRuntime, testFiles: string[]): string[] {
  if (runtime === DENO) return [...runtime.cmd, "test", "-A", ...testFiles];
  // Bun ends a test after 5 s unless told otherwise; Deno and Node set no limit. Process
  // workers start a whole child per worker, which on a loaded machine takes seconds.
  if (runtime === BUN) {
    return [...runtime.cmd, "test", "--timeout=60000", ...testFiles.map((f) => `./${f}`)];
  }
  return [...runtime.cmd, "--test", "--test-reporter=tap", "--test-concurrency=1", ...testFiles];
}

const testFiles = files();
const outcomes: Outcome[] = [];
if ((!only || only.includes("docs")) && args.length === 0) {
  // The runnable `@example` blocks of the public API's JSDoc.
  outcomes.push(await run("deno docs", [...DENO.cmd, "test", "-A", "--doc", "mod.ts", "src/"]));
}
for (const runtime of [DENO, NODE22, NODE24, BUN]) {
  if (only && !only.includes(runtime.name)) continue;
  outcomes.push(await run(runtime.name, command(runtime, testFiles)));
}
const stages = [
  { name: "npm", title: "npm package", script: "scripts/test_npm.ts" },
  { name: "field", title: "field", script: "scripts/test_field.ts" },
  { name: "examples", title: "examples", script: "scripts/test_examples.ts" },
];
// The stages share one packed package: the first to need it builds it.
const packDir = await Deno.makeTempDir({ prefix: "weft-pack-" });
for (const stage of stages) {
  if ((only && !only.includes(stage.name)) || args.length > 0 || !exists(stage.script)) continue;
  const cmd = [...DENO.cmd, "run", "-A", stage.script];
  const env = { [PACK_DIR_VARIABLE]: packDir };
  outcomes.push(await run(stage.title, cmd, stageCounts(stage.name), env));
}
await Deno.remove(packDir, { recursive: true });

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

console.log("\nRuntime        passed  failed  exit  seconds");
for (const o of outcomes) {
  console.log(
    `${o.name.padEnd(14)} ${String(o.passed).padStart(6)}  ${String(o.failed).padStart(6)}  ${
      String(o.code).padStart(4)
    }  ${o.seconds.toFixed(1).padStart(7)}`,
  );
}
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0) +
  outcomes.filter((o) => o.code !== 0 && o.failed === 0).length;
console.log(`weft tests: ${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);
