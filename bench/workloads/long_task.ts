/**
 * Workload 6, result latency of a long task: the task blocks 5 ms in a busy loop and returns
 * the wall-clock time at which it finished (`performance.timeOrigin + performance.now()`); the
 * host reads the same clock in its continuation. The difference is how late the host learns of
 * the result: p50 and p99 in µs.
 *
 * @module
 */

import { percentile } from "../lib/stats.ts";
import type { Workload } from "./types.ts";

const TASK_MS = 5;

/** Runs workload 6. */
export const longTask: Workload = async ({ start, quick, progress }) => {
  // Enough calls that p99 is not simply the worst one.
  const calls = quick ? 20 : 200;
  const client = await start(1);
  try {
    progress("warm-up");
    for (let i = 0; i < 3; i++) await client.call("busy", 1);
    progress(`${calls} × ${TASK_MS} ms`);
    const lateUs: number[] = [];
    for (let i = 0; i < calls; i++) {
      const finished = await client.call("busy", TASK_MS) as number;
      lateUs.push(
        (performance.timeOrigin + performance.now() - finished) * 1000,
      );
    }
    return [{
      workload: "long_task",
      variant: `${TASK_MS} ms busy task`,
      metrics: {
        p50_us: percentile(lateUs, 50),
        p99_us: percentile(lateUs, 99),
        min_us: Math.min(...lateUs),
      },
    }];
  } finally {
    await client.close();
  }
};
