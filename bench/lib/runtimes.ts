/**
 * The runtimes the benchmarks run on, each pinned and fetched through `npx` (scripts/runtimes.ts)
 * and then started directly from its real executable, so that no benchmark process pays npx's
 * start-up.
 *
 * @module
 */

import { BUN, DENO, NODE24, type PinnedRuntime } from "../../scripts/runtimes.ts";

/** A runtime ready to start benchmark processes. */
export interface BenchRuntime {
  /** deno, node24 or bun. */
  name: string;
  /** The command line that runs `script` with `args`. */
  command(script: string, args: string[]): string[];
}

const PRINT_EXEC_PATH: Record<string, string[]> = {
  deno: ["eval", "console.log(Deno.execPath())"],
  node24: ["-p", "process.execPath"],
  bun: ["-e", "console.log(process.execPath)"],
};

async function execPath(runtime: PinnedRuntime): Promise<string[]> {
  const cmd = [...runtime.cmd, ...PRINT_EXEC_PATH[runtime.name]];
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stderr: "inherit",
  }).output();
  const path = new TextDecoder().decode(out.stdout).trim();
  // Falling back to npx costs about half a second per benchmark process, nothing else.
  return out.code === 0 && path !== "" ? [path] : runtime.cmd;
}

/** Fetches (through npx) and locates each runtime in `names` (default: deno, node24, bun). */
export async function benchRuntimes(
  names?: readonly string[],
): Promise<BenchRuntime[]> {
  const out: BenchRuntime[] = [];
  for (const runtime of [DENO, NODE24, BUN]) {
    if (names !== undefined && !names.includes(runtime.name)) continue;
    const exe = await execPath(runtime);
    out.push({
      name: runtime.name,
      // --no-lock: the benchmark must not write the project's deno.lock.
      command: (script, args) =>
        runtime === DENO
          ? [...exe, "run", "-A", "--no-lock", script, ...args]
          : [...exe, script, ...args],
    });
  }
  return out;
}
