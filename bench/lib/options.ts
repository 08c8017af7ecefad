/**
 * Command-line options of `deno task bench`.
 *
 * @module
 */

/** What `bench/main.ts` runs. */
export interface BenchOptions {
  /** Short budgets: one process per runtime and system, 3 repetitions inside it. Default: false. */
  quick: boolean;
  /** Pool threads in the scaling workload. Default: 1. */
  threads: number;
  /** Runtimes to run on: deno, node24, bun. Default: all three. */
  runtimes: string[] | undefined;
  /** Systems to run. Default: all. */
  systems: string[] | undefined;
  /** Workloads to run. Default: all. */
  workloads: string[] | undefined;
  /**
   * Rounds: each round runs every runtime and system once, each in a fresh process, so that
   * machine noise is spread over all systems. Default: 3 (1 with `--quick`).
   */
  rounds: number;
  /** Repetitions inside each process. Default: 1 (2 with `--quick`). */
  reps: number;
}

function value(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  const inline = args.find((a) => a.startsWith(prefix));
  if (inline !== undefined) return inline.slice(prefix.length);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

function positive(
  name: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Cannot run benchmarks: --${name} must be a positive integer, received ${text}`,
    );
  }
  return n;
}

/** Parses `args` (`--quick`, `--threads N`, `--runtimes a,b`, `--systems`, `--workloads`, ...). */
export function parseOptions(args: readonly string[]): BenchOptions {
  const quick = args.includes("--quick");
  const list = (name: string) => value(args, name)?.split(",").filter((s) => s !== "");
  return {
    quick,
    threads: positive("threads", value(args, "threads"), 1),
    runtimes: list("runtimes"),
    systems: list("systems"),
    workloads: list("workloads"),
    rounds: positive("rounds", value(args, "rounds"), quick ? 1 : 3),
    reps: positive("reps", value(args, "reps"), quick ? 2 : 1),
  };
}
