/**
 * Workload 1, tiny-call latency: batches of 1, 25 and 50 calls (`x + 1`, and
 * `"hello" -> "hello world"`) awaited together with `Promise.all`, one batch after another after
 * a warm-up; the average and p99 time per batch.
 *
 * @module
 */

import { mean, percentile } from "../lib/stats.ts";
import type { Op } from "../systems/types.ts";
import type { Sample, Workload } from "./types.ts";

/** Batch sizes measured. */
export const BATCHES = [1, 25, 50] as const;
const CASES: { op: Op; arg: unknown }[] = [{ op: "inc", arg: 1 }, {
  op: "hello",
  arg: "hello",
}];
const MAX_BATCHES = 50_000;

/** Runs workload 1. */
export const latency: Workload = async ({ start, quick, progress }) => {
  // JIT tiers settle only after a few hundred milliseconds of a loop: a short warm-up measures
  // the interpreter (seen: weft's 50-call batch 2x slower after 60 ms of warm-up than after 1 s).
  const warmMs = quick ? 40 : 150;
  const firstWarmMs = quick ? 200 : 500;
  const measureMs = quick ? 40 : 150;
  const client = await start(1);
  const samples: Sample[] = [];
  try {
    for (const { op, arg } of CASES) {
      for (const size of BATCHES) {
        progress(`${op} ×${size}`);
        const batch = () => Promise.all(Array.from({ length: size }, () => client.call(op, arg)));
        const warmEnd = performance.now() + (samples.length === 0 ? firstWarmMs : warmMs);
        while (performance.now() < warmEnd) await batch();
        const times: number[] = [];
        const end = performance.now() + measureMs;
        while (performance.now() < end && times.length < MAX_BATCHES) {
          const t0 = performance.now();
          await batch();
          times.push((performance.now() - t0) * 1000);
        }
        samples.push({
          workload: "latency",
          variant: `${op} ×${size}`,
          metrics: {
            avg_us: mean(times),
            p99_us: percentile(times, 99),
            batches: times.length,
          },
        });
      }
    }
  } finally {
    await client.close();
  }
  return samples;
};
