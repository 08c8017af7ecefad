/**
 * The harness every workload example shares: it runs the same items on the main thread and on a
 * weft pool, checks that both gave the same results, and prints both speeds, the speed-up and the
 * main thread's event-loop delay while each ran. The last line of output is `RESULT <json>`, which
 * `scripts/test_examples.ts` reads.
 *
 * @module
 */

import process from "node:process";
import { isDeepStrictEqual } from "node:util";
import { type LoopDelay, sampleLoopDelay } from "./loop_delay.ts";

/** What the command line asked for. */
export interface ExampleOptions {
  /** `--quick`: a small run that takes a few seconds at most. */
  quick: boolean;
  /** `--threads=N`: weft's worker threads. Default: the machine's cores. */
  threads: number;
}

/** Reads `--quick` and `--threads=N` from the command line. */
export function exampleOptions(): ExampleOptions {
  const args = process.argv.slice(2);
  const threadsArg = args.find((a) => a.startsWith("--threads="));
  const threads = threadsArg === undefined
    ? Math.max(1, navigator.hardwareConcurrency ?? 2)
    : Number(threadsArg.slice("--threads=".length));
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot run example: --threads must be a positive integer, received ${threadsArg}`,
    );
  }
  return { quick: args.includes("--quick"), threads };
}

/** One timed run of all items. */
export interface Timed {
  ms: number;
  perSecond: number;
  delay: LoopDelay;
}

/** One comparison's outcome, as `RESULT` reports it. */
export interface Comparison {
  name: string;
  items: number;
  equal: boolean;
  inline: Timed;
  weft: Timed;
  speedup: number;
}

/** A workload: items, and the function that turns one item into its result, both ways. */
export interface Workload<I, O> {
  /** What the comparison is called (`render`, `render + gzip`). */
  name: string;
  /** What one item is, plural (`documents`). */
  unit: string;
  items: readonly I[];
  /** Runs one item on the main thread. */
  inline: (item: I) => O | Promise<O>;
  /** Runs one item through weft (`pool.call.x(item)`). */
  weft: (item: I) => Promise<O>;
  /** How many of the first items warm up both sides (the JIT, each worker's modules). Default: 8. */
  warmItems?: number;
}

async function timed<O>(count: number, body: () => Promise<O[]>): Promise<[O[], Timed]> {
  const sampler = sampleLoopDelay();
  const start = performance.now();
  const results = await body();
  const ms = performance.now() - start;
  const delay = sampler.stop();
  return [results, { ms, perSecond: (count * 1000) / ms, delay }];
}

function fmt(t: Timed, unit: string): string {
  return `${t.ms.toFixed(0).padStart(6)} ms, ${t.perSecond.toFixed(1).padStart(9)} ${unit}/s, ` +
    `loop delay p50 ${t.delay.p50.toFixed(1)} ms, p99 ${t.delay.p99.toFixed(1)} ms`;
}

/**
 * Runs `workload` on the main thread (one item after another, as a plain program would) and through
 * weft (every item called at once), each after a warm-up, and prints both.
 * @returns The comparison, and the main thread's results.
 */
export async function compare<I, O>(
  workload: Workload<I, O>,
): Promise<Comparison & { results: O[] }> {
  const { items } = workload;
  // Warm-up: the main thread's JIT, and every worker's modules and JIT (twice, so that each worker
  // has run several items whichever way the balancer spread the first round).
  const warm = items.slice(0, workload.warmItems ?? 8);
  for (const item of warm) await workload.inline(item);
  for (let round = 0; round < 2; round++) await Promise.all(warm.map(workload.weft));

  const [expected, inline] = await timed(items.length, async () => {
    const out: O[] = [];
    for (const item of items) out.push(await workload.inline(item));
    return out;
  });
  const [actual, weft] = await timed(items.length, () => Promise.all(items.map(workload.weft)));
  const equal = isDeepStrictEqual(actual, expected);
  const speedup = inline.ms / weft.ms;
  console.log(`${workload.name}: ${items.length} ${workload.unit}`);
  console.log(`  main thread  ${fmt(inline, workload.unit)}`);
  console.log(`  weft         ${fmt(weft, workload.unit)}`);
  console.log(`  speed-up ${speedup.toFixed(2)}x, results equal: ${equal ? "yes" : "NO"}`);
  const comparison = { name: workload.name, items: items.length, equal, inline, weft, speedup };
  return { ...comparison, results: expected };
}

/**
 * Prints the `RESULT` line for `example` and sets a failing exit code when any comparison's
 * results differed.
 */
export function report(example: string, comparisons: Comparison[], extra: object = {}): void {
  const equal = comparisons.every((c) => c.equal);
  // The results themselves stay out of the line: only what the test and a reader need.
  const summaries = comparisons.map(({ name, items, equal, inline, weft, speedup }) => ({
    name,
    items,
    equal,
    inline,
    weft,
    speedup,
  }));
  console.log(`RESULT ${JSON.stringify({ example, equal, comparisons: summaries, ...extra })}`);
  if (!equal) {
    console.error(`${example}: the main thread and weft gave different results`);
    process.exitCode = 1;
  }
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same numbers everywhere. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
