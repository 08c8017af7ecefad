/**
 * What task timings (`stats().tasks`, `taskTimings: true`) cost a call: the same calls of `x + 1`
 * on a pool that keeps them and on one without (the baseline), in the same process,
 * rounds alternating. Two shapes: 1,000 calls awaited together (throughput, where a per-call cost
 * shows most) and 2,000 calls one at a time (latency). Run alone, on any runtime:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/task_timings.ts
 * npx -y node@24 bench/task_timings.ts
 * npx -y bun@1.4.5 bench/task_timings.ts
 * ```
 *
 * @module
 */

import { createPool, isMain } from "../mod.ts";
import { incTask } from "./fixtures/controls_tasks.ts";

const BATCH = 1000;
const BATCH_ROUNDS = 20;
const SINGLE_CALLS = 2000;
const SAMPLES = 11;

type Inc = (x: number) => Promise<number>;

async function batch(inc: Inc): Promise<number> {
  const start = performance.now();
  for (let r = 0; r < BATCH_ROUNDS; r++) {
    await Promise.all(Array.from({ length: BATCH }, (_, i) => inc(i)));
  }
  // Microseconds per call.
  return ((performance.now() - start) * 1000) / (BATCH * BATCH_ROUNDS);
}

async function single(inc: Inc): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < SINGLE_CALLS; i++) await inc(i);
  return ((performance.now() - start) * 1000) / SINGLE_CALLS;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function shown(xs: number[]): string {
  return `${median(xs).toFixed(2)} µs (${Math.min(...xs).toFixed(2)}-${
    Math.max(...xs).toFixed(2)
  })`;
}

async function main(): Promise<void> {
  const timed = createPool({ threads: 1, taskTimings: true })({ inc: incTask });
  const plain = createPool({ threads: 1 })({ inc: incTask });
  const pools = {
    timed: (x: number) => timed.call.inc(x),
    plain: (x: number) => plain.call.inc(x),
  };
  // Warm-up: both workers ready, both paths compiled.
  for (const inc of Object.values(pools)) {
    await batch(inc);
    await single(inc);
  }
  const results = { timedBatch: [] as number[], plainBatch: [] as number[] };
  const singles = { timed: [] as number[], plain: [] as number[] };
  for (let s = 0; s < SAMPLES; s++) {
    results.plainBatch.push(await batch(pools.plain));
    results.timedBatch.push(await batch(pools.timed));
    singles.plain.push(await single(pools.plain));
    singles.timed.push(await single(pools.timed));
  }
  const stats = timed.stats().tasks.inc;
  await Promise.all([timed.shutdown(), plain.shutdown()]);
  console.log(`task timings, medians of ${SAMPLES} alternating samples (range):`);
  console.log(
    `  ${BATCH} calls together: with ${shown(results.timedBatch)}, without ${
      shown(results.plainBatch)
    } per call, ratio ${(median(results.timedBatch) / median(results.plainBatch)).toFixed(3)}`,
  );
  console.log(
    `  one call at a time: with ${shown(singles.timed)}, without ${shown(singles.plain)}, ratio ${
      (median(singles.timed) / median(singles.plain)).toFixed(3)
    }`,
  );
  console.log(
    `  recorded: ${stats.calls} calls, run p50 ${stats.run.p50} ms p99 ${stats.run.p99} ms, wait p50 ${stats.wait.p50} ms p99 ${stats.wait.p99} ms max ${
      stats.wait.max.toFixed(3)
    } ms`,
  );
}

if (isMain) await main();
