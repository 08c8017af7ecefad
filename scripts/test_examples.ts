/**
 * Runs every example in `examples/` in its quick mode on Deno, Node 24 and Bun, and checks what it
 * reports: that the main thread and weft computed the same results (the `RESULT` line's `equal`),
 * and that the BullMQ run completed every job exactly once, over both processes, with the killed
 * process's jobs retried. `deno task test --only=examples`.
 *
 * - The examples' npm dependencies are installed once per lockfile (see `scripts/example.ts`).
 * - Deno runs the examples in place, importing the repository's `mod.ts`. Node and Bun run them as
 *   users would: from a copy of `examples/` whose imports of `../../mod.ts` name `@weft/weft`,
 *   installed from the packed npm tarball (built once per `deno task test` run, shared with the
 *   `npm` and `field` stages).
 * - The BullMQ example needs `redis-server`: installed here with `apt-get` when it is missing and
 *   this runs as root; otherwise its runs are skipped with the reason printed.
 * - The examples type-check (`deno check` in `examples/`, where their dependencies resolve).
 *
 * Ends with `examples: N passed, N failed`. Options: `--keep` keeps the temporary project.
 *
 * @module
 */

import {
  ensureExampleDependencies,
  EXAMPLE_ENV,
  EXAMPLE_RUNTIMES,
  exampleCommand,
  EXAMPLES,
  EXAMPLES_DIR,
  UNSUPPORTED,
} from "./example.ts";
import {
  buildAndPack,
  check,
  Checks,
  exitCheck,
  npmInstall,
  type Outcome,
  type Ran,
  run,
} from "./package_kit.ts";
import { DENO, type PinnedRuntime } from "./runtimes.ts";

const checks = new Checks("examples");
const keep = Deno.args.includes("--keep");

/** The `RESULT` line's fields that the checks read. */
interface Result {
  example: string;
  equal?: boolean;
  skipped?: string;
  exactlyOnce?: boolean;
  spread?: boolean;
  retried?: boolean;
}

function resultOf(stdout: string): Result | undefined {
  const line = stdout.split("\n").findLast((l) => l.startsWith("RESULT "));
  return line === undefined ? undefined : JSON.parse(line.slice("RESULT ".length)) as Result;
}

/** Copies `examples/` (without `node_modules`) to `dir`, importing weft as `@weft/weft`. */
function copyExamples(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (entry.name === "node_modules") continue;
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) copyExamples(source, target);
    else if (entry.name.endsWith(".ts")) {
      const text = Deno.readTextFileSync(source);
      Deno.writeTextFileSync(target, text.replaceAll(`from "../../mod.ts"`, `from "@weft/weft"`));
    } else Deno.copyFileSync(source, target);
  }
}

/** Why the BullMQ runs cannot happen here, or `undefined` when `redis-server` is (now) installed. */
async function redisMissing(): Promise<string | undefined> {
  const have = async () =>
    (await new Deno.Command("sh", { args: ["-c", "command -v redis-server"], stdout: "null" })
      .output()).success;
  if (await have()) return undefined;
  if (Deno.uid() !== 0) return "redis-server is not installed, and installing it needs root";
  const install = ["apt-get", "install", "-y", "-qq", "redis-server"];
  // A machine whose package lists were never fetched needs `apt-get update` first.
  for (const cmd of [install, ["apt-get", "update", "-qq"], install]) {
    const ran = await run("redis", cmd, { cwd: "/", echo: false });
    if (await have()) return undefined;
    if (ran.code !== 0) console.log(`redis | ${cmd.join(" ")} exited ${ran.code}`);
  }
  return "apt-get could not install redis-server";
}

/** The runtime's own binary, so that each example run skips npx's start-up. */
async function binaryOf(runtime: PinnedRuntime): Promise<PinnedRuntime> {
  if (runtime.name === DENO.name) return { name: runtime.name, cmd: [Deno.execPath()] };
  const ran = await run(runtime.name, [...runtime.cmd, "-e", "console.log(process.execPath)"], {
    cwd: "/",
    echo: false,
  });
  const path = ran.stdout.trim();
  return ran.code === 0 && path !== "" ? { name: runtime.name, cmd: [path] } : runtime;
}

function judge(label: string, ran: Ran): Outcome {
  const result = resultOf(ran.stdout);
  if (result === undefined) return check(label, false, `no RESULT line (exit ${ran.code})`);
  if (result.skipped !== undefined) {
    console.log(`${label} | skipped: ${result.skipped}`);
    return { passed: 0, failed: 0 };
  }
  const outcomes = [
    exitCheck(ran),
    check(label, result.equal === true, "the main thread and weft gave different results"),
  ];
  if (result.example === "bullmq") {
    outcomes.push(
      check(label, result.exactlyOnce === true, "a job did not complete exactly once"),
      check(label, result.spread === true, "the jobs did not spread over both processes"),
      check(label, result.retried === true, "the killed process's jobs were not retried"),
    );
  }
  return outcomes.reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed }));
}

const project = await Deno.makeTempDir({ prefix: "weft-examples-" });
try {
  let modules = "";
  await checks.run("dependencies", async () => {
    modules = await ensureExampleDependencies();
    return { passed: 1, failed: 0 };
  });
  const noRedis = await redisMissing();
  if (noRedis !== undefined) console.log(`redis | bullmq runs will be skipped: ${noRedis}`);

  await checks.run(
    "deno check",
    async () =>
      exitCheck(await run("check", [Deno.execPath(), "check", "."], { cwd: EXAMPLES_DIR })),
  );

  // Node and Bun: the examples beside a project that has the packed package installed.
  const packed = await buildAndPack(project);
  Deno.writeTextFileSync(
    `${project}/package.json`,
    JSON.stringify({ name: "weft-examples-test", private: true, type: "module" }) + "\n",
  );
  await npmInstall("install", project, [packed.tarball]);
  copyExamples(EXAMPLES_DIR, `${project}/examples`);
  Deno.symlinkSync(Deno.realPathSync(modules), `${project}/examples/node_modules`);

  for (const [flag, pinned] of Object.entries(EXAMPLE_RUNTIMES)) {
    const runtime = await binaryOf(pinned);
    const dir = runtime.name === "deno" ? EXAMPLES_DIR : `${project}/examples`;
    for (const name of EXAMPLES) {
      const label = `${runtime.name} ${name}`;
      const unsupported = UNSUPPORTED[name]?.[flag];
      if (unsupported !== undefined) {
        console.log(`${label} | skipped: ${unsupported}`);
        continue;
      }
      if (name === "bullmq" && noRedis !== undefined) {
        console.log(`${label} | skipped: ${noRedis}`);
        continue;
      }
      await checks.run(label, async () => {
        const cmd = exampleCommand(runtime, name, ["--quick"], dir);
        return judge(label, await run(label, cmd, { cwd: dir, env: { ...EXAMPLE_ENV } }));
      });
    }
  }
} catch (err) {
  checks.fail("setup", err);
} finally {
  if (keep) console.log(`examples | kept ${project}`);
  else await Deno.remove(project, { recursive: true });
}
checks.finish();
