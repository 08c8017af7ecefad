/**
 * Workload 7, CPU-bound scaling: counts the primes below a fixed bound, split into chunks, on
 * the main thread alone, on the pool alone, and on the pool with the main thread taking chunks
 * too. `--threads N` sets the pool's size (default 1, which with the main thread uses both cores
 * of the reference machine).
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { primes } from "../fixtures/ops.ts";
import type { Client } from "../systems/types.ts";
import type { Workload } from "./types.ts";

const CHUNKS = 64;

function chunksBelow(bound: number): [number, number][] {
  const size = Math.ceil(bound / CHUNKS);
  return Array.from(
    { length: CHUNKS },
    (_, i) => [i * size, Math.min(bound, (i + 1) * size)],
  );
}

/** Counts with `inFlight` calls to the pool, and the main thread helping when `mainHelps`. */
async function countShared(
  client: Client | undefined,
  chunks: [number, number][],
  inFlight: number,
  mainHelps: boolean,
): Promise<number> {
  let next = 0;
  let total = 0;
  const poolLane = async () => {
    while (next < chunks.length) {
      // Not `total += await ...`: that would read `total` before the await and lose updates.
      const count = await client!.call("primes", chunks[next++]) as number;
      total += count;
    }
  };
  const mainLane = async () => {
    while (next < chunks.length) {
      total += primes(chunks[next++]);
      // Yield a macrotask turn so that results that came in meanwhile are taken and the pool
      // gets its next chunk; setImmediate, unlike setTimeout(0), adds no clamped delay.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const lanes = Array.from({ length: client ? inFlight : 0 }, poolLane);
  if (mainHelps) lanes.push(mainLane());
  await Promise.all(lanes);
  return total;
}

/** Runs workload 7. */
export const scaling: Workload = async (
  { start, quick, threads, progress },
) => {
  const chunks = chunksBelow(quick ? 400_000 : 2_000_000);
  const client = await start(threads);
  try {
    await client.call("primes", [0, 10_000]);
    const time = async (label: string, run: () => Promise<number>) => {
      progress(label);
      const t0 = performance.now();
      const count = await run();
      return { ms: performance.now() - t0, count };
    };
    const alone = await time(
      "main thread alone",
      () => countShared(undefined, chunks, 0, true),
    );
    const pool = await time(
      "pool",
      () => countShared(client, chunks, threads * 2, false),
    );
    const both = await time(
      "pool + main",
      () => countShared(client, chunks, threads * 2, true),
    );
    for (const run of [pool, both]) {
      if (run.count !== alone.count) {
        throw new Error(
          `Cannot count primes: pool disagrees, received ${run.count}`,
        );
      }
    }
    const sample = (variant: string, ms: number) => ({
      workload: "scaling" as const,
      variant,
      metrics: { ms, speedup: alone.ms / ms },
    });
    return [
      sample("main thread alone", alone.ms),
      sample(`pool (${threads} worker${threads > 1 ? "s" : ""})`, pool.ms),
      sample(`pool + main thread`, both.ms),
    ];
  } finally {
    await client.close();
  }
};
