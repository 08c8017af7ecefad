/**
 * Workload 4, start-up and shutdown: time from starting a pool (`createPool`, `new Worker`,
 * `new Piscina`, ...) to the first call's result, and from asking it to stop until it has
 * stopped. The first cycle of a process pays module loading and compilation, so it is reported
 * apart from the median of the later cycles.
 *
 * @module
 */

import { median } from "../lib/stats.ts";
import type { Sample, Workload } from "./types.ts";

/** Runs workload 4. */
export const startup: Workload = async ({ start, quick, progress }) => {
  const cycles = quick ? 3 : 5;
  const startMs: number[] = [];
  const stopMs: number[] = [];
  for (let i = 0; i < cycles; i++) {
    progress(`cycle ${i + 1}/${cycles}`);
    const t0 = performance.now();
    const client = await start(1);
    await client.call("inc", 1);
    const t1 = performance.now();
    await client.close();
    startMs.push(t1 - t0);
    stopMs.push(performance.now() - t1);
  }
  const sample = (
    variant: string,
    starts: number[],
    stops: number[],
  ): Sample => ({
    workload: "startup",
    variant,
    metrics: { startup_ms: median(starts), shutdown_ms: median(stops) },
  });
  return [
    sample("first in process", startMs.slice(0, 1), stopMs.slice(0, 1)),
    sample("later (median)", startMs.slice(1), stopMs.slice(1)),
  ];
};
