/**
 * Workload 2, throughput: 100,000 calls of `x + 1` (10,000 with `--quick`) with up to 1,024 in
 * flight, after a warm-up of at least 600 ms (150 ms with `--quick`); calls per second. HTTP and
 * WebSocket get a tenth of the calls (a twentieth with `--quick`): at their rate the full count
 * alone would take most of the run's time budget.
 *
 * @module
 */

import { runLanes } from "../lib/lanes.ts";
import { isNetwork, type Workload } from "./types.ts";

/** Calls in flight at most. */
export const IN_FLIGHT = 1024;
/** Milliseconds the warm-up lasts at least (the first calls/10 calls, then until this passes). */
const WARM_MS = 600;
const WARM_MS_QUICK = 150;

/** Runs workload 2. */
export const throughput: Workload = async (
  { start, system, quick, progress },
) => {
  const divisor = isNetwork(system) ? (quick ? 20 : 10) : 1;
  const calls = (quick ? 10_000 : 100_000) / divisor;
  const client = await start(1);
  const inc = () => client.call("inc", 1);
  try {
    progress("warm-up");
    // A count alone is not enough: JIT tiers settle only after a few hundred milliseconds of the
    // loop, and the pool's workers may still be starting (seen: weft at 0.4-1.0M calls/s over
    // the first 100,000 calls after 10,000 warm-up calls, 2.3-2.9M from the fourth 100,000 on).
    const warmEnd = performance.now() + (quick ? WARM_MS_QUICK : WARM_MS);
    await runLanes(IN_FLIGHT, { calls: calls / 10 }, inc);
    await runLanes(IN_FLIGHT, { deadline: warmEnd }, inc);
    progress(`${calls} calls`);
    const run = await runLanes(IN_FLIGHT, { calls }, inc);
    return [{
      workload: "throughput",
      variant: "inc, 1024 in flight",
      metrics: { calls_per_s: run.calls / (run.ms / 1000), calls: run.calls },
    }];
  } finally {
    await client.close();
  }
};
