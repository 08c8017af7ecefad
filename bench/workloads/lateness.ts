/**
 * Workload 9, host responsiveness under load: 100,000 calls of `x + 1` (20,000 with `--quick`)
 * with up to 2,000 in flight, issued at most 250 per macrotask turn, while a 5 ms interval timer
 * on the host records how late each tick fires: p50, p99 and max in ms. The point of a worker
 * pool is that the main thread stays responsive; this shows what each pool's own work on the host
 * costs its event loop.
 *
 * @module
 */

import { measureLateness } from "../lib/lateness.ts";
import { percentile } from "../lib/stats.ts";
import type { Workload } from "./types.ts";

/** Runs workload 9. */
export const lateness: Workload = async ({ start, quick, progress }) => {
  const calls = quick ? 20_000 : 100_000;
  const client = await start(1);
  const inc = () => client.call("inc", 1);
  try {
    const load = { inFlight: 2_000, perTurn: 250, intervalMs: 5 };
    progress("warm-up");
    await measureLateness({ ...load, calls: calls / 10 }, inc);
    progress(`${calls} calls`);
    const run = await measureLateness({ ...load, calls }, inc);
    return [{
      workload: "lateness",
      variant: "inc, 2000 in flight, 250 per turn, 5 ms timer",
      metrics: {
        p50_ms: percentile(run.lateMs, 50),
        p99_ms: percentile(run.lateMs, 99),
        max_ms: Math.max(...run.lateMs),
        calls_per_s: run.completed / (run.ms / 1000),
      },
    }];
  } finally {
    await client.close();
  }
};
