/**
 * Runs one of the examples in `examples/`:
 * `deno task example <name> [--runtime node|bun|deno] [--quick] [--threads=N]`.
 *
 * First it makes sure the examples' npm dependencies (`examples/package.json` and its lockfile)
 * are installed: `npm ci` runs once per lockfile into `~/.cache/weft-examples/<lockfile hash>/`,
 * and `examples/node_modules` links there, so later runs download nothing. A real
 * `examples/node_modules` folder (from your own `npm ci` in `examples/`) is used as it is.
 *
 * The examples run with `NODE_ENV=production`, as a deployed server would (React's development
 * build is several times slower). Node is Node 24, Bun 1.4 and Deno 2.9, each fetched pinned
 * through `npx`.
 *
 * @module
 */

import { NPM_INSTALL_FLAGS, run } from "./package_kit.ts";
import { BUN, DENO, NODE24, type PinnedRuntime } from "./runtimes.ts";

/** The repository's `examples/` folder. */
export const EXAMPLES_DIR: string = new URL("../examples", import.meta.url).pathname;

/** Every runnable example, by folder name. */
export const EXAMPLES: readonly string[] = [
  "prime",
  "montecarlo",
  "physics",
  "tsp",
  "schema",
  "jwt",
  "hash",
  "tokens",
  "ssr",
  "markdown",
  "server",
  "bullmq",
];

/** Runtimes an example runs on, by the `--runtime` name. */
export const EXAMPLE_RUNTIMES: Readonly<Record<string, PinnedRuntime>> = {
  deno: DENO,
  node: NODE24,
  bun: BUN,
};

/** Examples that cannot run on a runtime, and why. */
export const UNSUPPORTED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  bullmq: { deno: "BullMQ supports Node and Bun" },
};

/** The environment examples run in. */
export const EXAMPLE_ENV: Readonly<Record<string, string>> = { NODE_ENV: "production" };

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * Installs the examples' dependencies where needed and links `examples/node_modules` to them.
 * @returns The `node_modules` folder the examples use.
 * @throws {Error} When `npm ci` fails.
 */
export async function ensureExampleDependencies(): Promise<string> {
  const link = `${EXAMPLES_DIR}/node_modules`;
  const here = exists(link) ? Deno.lstatSync(link) : undefined;
  if (here?.isDirectory) return link;
  const lock = `${EXAMPLES_DIR}/package-lock.json`;
  const hash = (await sha256(lock)).slice(0, 16);
  const cacheRoot = `${
    Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`
  }/weft-examples`;
  const cached = `${cacheRoot}/${hash}`;
  if (!exists(`${cached}/node_modules`)) {
    // Installed beside the cache and renamed into it whole, so that a run interrupted mid-install
    // or a concurrent one never sees half a folder.
    Deno.mkdirSync(cacheRoot, { recursive: true });
    const staging = Deno.makeTempDirSync({ dir: cacheRoot, prefix: `${hash}.tmp-` });
    Deno.copyFileSync(`${EXAMPLES_DIR}/package.json`, `${staging}/package.json`);
    Deno.copyFileSync(lock, `${staging}/package-lock.json`);
    const ci = await run("examples", ["npm", "ci", ...NPM_INSTALL_FLAGS], { cwd: staging });
    if (ci.code !== 0) {
      Deno.removeSync(staging, { recursive: true });
      throw new Error(`Cannot install the examples' dependencies: npm ci exited ${ci.code}`);
    }
    try {
      Deno.renameSync(staging, cached);
    } catch (err) {
      // Another run finished the same install first: keep its folder.
      if (!exists(`${cached}/node_modules`)) throw err;
      Deno.removeSync(staging, { recursive: true });
    }
  }
  const target = `${cached}/node_modules`;
  if (here?.isSymlink && Deno.readLinkSync(link) === target) return link;
  if (here !== undefined) Deno.removeSync(link);
  Deno.symlinkSync(target, link);
  return link;
}

/**
 * The command line that runs example `name` on `runtime` with `args` (`--quick`), from `dir`
 * (default: the repository's `examples/`). `runtime` may be a copy of a pinned one whose `cmd` is
 * the runtime's own binary; its name tells how to start a script.
 */
export function exampleCommand(
  runtime: PinnedRuntime,
  name: string,
  args: string[],
  dir: string = EXAMPLES_DIR,
): string[] {
  const script = `${dir}/${name}/main.ts`;
  return runtime.name === DENO.name
    ? [...runtime.cmd, "run", "-A", script, ...args]
    : [...runtime.cmd, script, ...args];
}

if (import.meta.main) {
  const args = [...Deno.args];
  const name = args.shift();
  let runtimeName = "deno";
  const at = args.indexOf("--runtime");
  if (at !== -1) [, runtimeName] = args.splice(at, 2);
  const eq = args.findIndex((a) => a.startsWith("--runtime="));
  if (eq !== -1) runtimeName = args.splice(eq, 1)[0].slice("--runtime=".length);
  const runtime = EXAMPLE_RUNTIMES[runtimeName];
  if (name === undefined || !EXAMPLES.includes(name)) {
    console.error(`Cannot run example: name one of ${EXAMPLES.join(", ")}, received ${name}`);
    Deno.exit(2);
  }
  if (runtime === undefined) {
    console.error(
      `Cannot run example: --runtime must be node, bun or deno, received ${runtimeName}`,
    );
    Deno.exit(2);
  }
  const unsupported = UNSUPPORTED[name]?.[runtimeName];
  if (unsupported !== undefined) {
    console.error(`Cannot run example ${name} on ${runtimeName}: ${unsupported}`);
    Deno.exit(2);
  }
  await ensureExampleDependencies();
  const cmd = exampleCommand(runtime, name, args);
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: EXAMPLES_DIR,
    env: EXAMPLE_ENV,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const { code } = await child.status;
  Deno.exit(code);
}
