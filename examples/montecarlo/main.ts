/**
 * Monte Carlo: π estimated from random points in the unit square, in seeded chunks, so the main
 * thread and a weft pool draw exactly the same points and must count exactly the same hits.
 *
 * Run: `deno task example montecarlo [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

/** One chunk: `points` seeded random points, and how many fell inside the quarter circle. */
export function countHits([seed, points]: [number, number]): number {
  const random = seeded(seed);
  let hits = 0;
  for (let i = 0; i < points; i++) {
    const x = random();
    const y = random();
    if (x * x + y * y <= 1) hits++;
  }
  return hits;
}

export const countHitsTask = task({ f: countHits });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const points = 1_000_000;
  const chunks = Array.from(
    { length: quick ? 16 : 160 },
    (_, i) => [i + 1, points] as [number, number],
  );
  const pool = createPool({ threads })({ countHitsTask });
  const result = await compare({
    name: "Monte Carlo pi",
    unit: "chunks of 1M points",
    items: chunks,
    inline: countHits,
    weft: (chunk) => pool.call.countHitsTask(chunk),
  });
  await pool.close();
  const hits = result.results.reduce((n, h) => n + h, 0);
  console.log(`  pi ~ ${(4 * hits / (chunks.length * points)).toFixed(6)}`);
  report("montecarlo", [result], { threads });
}
