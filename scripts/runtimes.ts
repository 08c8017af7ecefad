/**
 * The pinned runtimes weft is tested and benchmarked on, each fetched through `npx` so that a
 * fresh machine with only Node and npm needs nothing else.
 *
 * @module
 */

/** A runtime to run scripts and tests on. */
export interface PinnedRuntime {
  /** Short name: deno, node22, node24, bun. */
  name: string;
  /** Command and leading arguments that start the runtime. */
  cmd: string[];
}

/** npx flags: no prompt, and quiet about npm's own warnings. */
const NPX = ["npx", "-y", "--loglevel=error"];

export const DENO: PinnedRuntime = { name: "deno", cmd: [...NPX, "deno@2.9.6"] };
export const NODE22: PinnedRuntime = { name: "node22", cmd: [...NPX, "node@22"] };
export const NODE24: PinnedRuntime = { name: "node24", cmd: [...NPX, "node@24"] };
export const BUN: PinnedRuntime = { name: "bun", cmd: [...NPX, "bun@1.4.5"] };

/** Every runtime the tests run on. */
export const TEST_RUNTIMES: readonly PinnedRuntime[] = [DENO, NODE22, NODE24, BUN];

/** The command line that runs `script` (with `args`) on `runtime`. */
export function runScript(runtime: PinnedRuntime, script: string, args: string[] = []): string[] {
  if (runtime === DENO) return [...runtime.cmd, "run", "-A", script, ...args];
  return [...runtime.cmd, script, ...args];
}
