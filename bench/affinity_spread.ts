/**
 * Affinity (`call.x(arg, { key })`): how evenly keys spread over the workers, and what a key costs
 * a call. 1,000 keys over 4 workers, each key first seen in one of two patterns: all keys' first
 * calls made together (a burst), and one key at a time (each call awaited before the next). Then
 * the time of 20 rounds of 1,000 keyed calls against 20 rounds of 1,000 unkeyed calls in the same
 * process (the baseline). Run alone, on any runtime:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/affinity_spread.ts
 * npx -y node@24 bench/affinity_spread.ts
 * npx -y bun@1.4.5 bench/affinity_spread.ts
 * ```
 *
 * @module
 */

import { createPool, isMain } from "../mod.ts";
import { whereTask } from "./fixtures/controls_tasks.ts";

const KEYS = 1000;
const THREADS = 4;
const ROUNDS = 20;

/** Keys per worker, largest first, and the largest count over the mean. */
function spread(threadOf: Map<string, number>): { counts: number[]; maxOverMean: number } {
  const perThread = new Map<number, number>();
  for (const id of threadOf.values()) perThread.set(id, (perThread.get(id) ?? 0) + 1);
  const counts = [...perThread.values()].sort((a, b) => b - a);
  return { counts, maxOverMean: counts[0] / (KEYS / THREADS) };
}

async function main(): Promise<void> {
  const pool = createPool({ threads: THREADS, allowOversubscribe: true })({ where: whereTask });
  // Every worker ready first: calls go to ready workers before starting ones.
  const ready = new Set<number>();
  while (ready.size < THREADS) {
    for (const id of await Promise.all(Array.from({ length: 16 }, () => pool.call.where()))) {
      ready.add(id);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const keys = (prefix: string) => Array.from({ length: KEYS }, (_, k) => `${prefix}${k}`);

  const burst = new Map<string, number>();
  const burstKeys = keys("burst-");
  const ids = await Promise.all(burstKeys.map((key) => pool.call.where(undefined, { key })));
  burstKeys.forEach((key, k) => burst.set(key, ids[k]));

  const oneByOne = new Map<string, number>();
  for (const key of keys("single-")) oneByOne.set(key, await pool.call.where(undefined, { key }));

  // Every later call of a key must land where its first did.
  let moved = 0;
  for (let r = 0; r < 3; r++) {
    const again = await Promise.all(burstKeys.map((key) => pool.call.where(undefined, { key })));
    burstKeys.forEach((key, k) => (moved += again[k] === burst.get(key) ? 0 : 1));
  }

  const time = async (keyed: boolean): Promise<number> => {
    const start = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      await Promise.all(
        burstKeys.map((key) => pool.call.where(undefined, keyed ? { key } : undefined)),
      );
    }
    return (performance.now() - start) / ROUNDS;
  };
  const samples = { keyed: [] as number[], unkeyed: [] as number[] };
  for (let i = 0; i < 5; i++) {
    samples.unkeyed.push(await time(false));
    samples.keyed.push(await time(true));
  }
  await pool.shutdown();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)} ms`;
  const b = spread(burst);
  const s = spread(oneByOne);
  console.log(`keys per worker, ${KEYS} keys over ${THREADS} workers:`);
  console.log(`  burst:      ${b.counts.join(" / ")} (largest ${b.maxOverMean.toFixed(2)}x mean)`);
  console.log(`  one by one: ${s.counts.join(" / ")} (largest ${s.maxOverMean.toFixed(2)}x mean)`);
  console.log(`  calls that left their key's worker over 3,000 later calls: ${moved}`);
  console.log(
    `1,000 calls together: keyed ${median(samples.keyed).toFixed(2)} ms (${
      range(samples.keyed)
    }), unkeyed ${median(samples.unkeyed).toFixed(2)} ms (${range(samples.unkeyed)}), ratio ${
      (median(samples.keyed) / median(samples.unkeyed)).toFixed(2)
    }`,
  );
}

if (isMain) await main();
