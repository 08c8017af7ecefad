/**
 * Workload 5, idle cost: CPU used by the whole process (`process.cpuUsage()`, user + system)
 * while a pool of one worker sits idle for 5 s (2 s with `--quick`) right after a burst of
 * calls. The main thread only waits on a timer meanwhile. Reported as % of one core (the whole
 * period, and from `SETTLE_MS` on), with the time of the first call after the idle period
 * (`wake_us`: the worker has parked by then).
 *
 * @module
 */

import process from "node:process";
import type { Workload } from "./types.ts";

const BURST_CALLS = 20_000;
const BATCH = 50;
/**
 * The first part of the idle period, after which the CPU is also reported on its own
 * (`settled_cpu_pct`): right after a burst the engines still collect its garbage (on Bun 1.4.5
 * about 6% of a core over the first 1.5 s, then 0.1-0.2%).
 */
const SETTLE_MS = 1500;

/** Runs workload 5. */
export const idle: Workload = async ({ start, quick, progress }) => {
  const idleMs = quick ? 2000 : 5000;
  const client = await start(1);
  try {
    progress("burst");
    for (let i = 0; i < BURST_CALLS; i += BATCH) {
      await Promise.all(
        Array.from({ length: BATCH }, () => client.call("inc", i)),
      );
    }
    progress(`idle ${idleMs / 1000} s`);
    const before = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const settledFrom = process.cpuUsage();
    const t1 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleMs - SETTLE_MS));
    const used = process.cpuUsage(before);
    const settled = process.cpuUsage(settledFrom);
    const wallUs = (performance.now() - t0) * 1000;
    const settledUs = (performance.now() - t1) * 1000;
    const woken = performance.now();
    await client.call("inc", 1);
    const wakeUs = (performance.now() - woken) * 1000;
    return [{
      workload: "idle",
      variant: `1 idle worker, ${idleMs / 1000} s`,
      metrics: {
        cpu_pct: ((used.user + used.system) / wallUs) * 100,
        settled_cpu_pct: ((settled.user + settled.system) / settledUs) * 100,
        wake_us: wakeUs,
      },
    }];
  } finally {
    await client.close();
  }
};
