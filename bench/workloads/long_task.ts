/**
 * Workload 6, result latency of a long task: the task blocks 5 ms in a busy loop and returns
 * the wall-clock time at which it finished (`performance.timeOrigin + performance.now()`); the
 * host reads the same clock in its continuation. The difference is how late the host learns of
 * the result: p50 and p99 in µs.
 *
 * The two threads' clocks can disagree: each thread takes its own time origin, and on a loaded
 * machine the two readings behind it (wall clock and monotonic clock) can be a millisecond apart.
 * So the offset is measured first, NTP-style, from zero-length tasks: for the call with the
 * shortest round trip, the worker's reading sits within half that round trip of the midpoint of
 * the host's two readings. The lateness is then corrected by it (error: that half round trip,
 * reported as `offset_error_us`).
 *
 * @module
 */

import { percentile } from "../lib/stats.ts";
import type { Workload } from "./types.ts";

const TASK_MS = 5;
/** Zero-length calls that measure the clock offset between the threads. */
const OFFSET_CALLS = 200;

/** Runs workload 6. */
export const longTask: Workload = async ({ start, quick, progress }) => {
  // Enough calls that p99 is not simply the worst one.
  const calls = quick ? 20 : 200;
  const client = await start(1);
  try {
    progress("warm-up");
    for (let i = 0; i < 3; i++) await client.call("busy", 1);
    progress("clock offset");
    let offsetMs = 0;
    let bestRoundTripMs = Infinity;
    for (let i = 0; i < OFFSET_CALLS; i++) {
      const sent = performance.timeOrigin + performance.now();
      const read = await client.call("busy", 0) as number;
      const back = performance.timeOrigin + performance.now();
      if (back - sent < bestRoundTripMs) {
        bestRoundTripMs = back - sent;
        offsetMs = read - (sent + back) / 2;
      }
    }
    progress(`${calls} × ${TASK_MS} ms`);
    const lateUs: number[] = [];
    for (let i = 0; i < calls; i++) {
      const finished = await client.call("busy", TASK_MS) as number;
      lateUs.push(
        (performance.timeOrigin + performance.now() - (finished - offsetMs)) *
          1000,
      );
    }
    return [{
      workload: "long_task",
      variant: `${TASK_MS} ms busy task`,
      metrics: {
        p50_us: percentile(lateUs, 50),
        p99_us: percentile(lateUs, 99),
        min_us: Math.min(...lateUs),
        offset_us: offsetMs * 1000,
        offset_error_us: (bestRoundTripMs / 2) * 1000,
      },
    }];
  } finally {
    await client.close();
  }
};
