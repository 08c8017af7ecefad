/**
 * Host event-loop lateness under load: many calls in flight, issued in bursts from one macrotask
 * turn to the next, while an interval timer on the host records how late each of its ticks fires.
 * A pool that runs long stretches of its own work in one macrotask (draining answers, resolving
 * promises, sending queued calls) shows here as late ticks. Shared by the benchmark workload and
 * the test that holds a loose bound.
 *
 * @module
 */

import { setImmediate } from "node:timers";

/** How the load is made. */
export interface LatenessLoad {
  /** Calls in all. */
  calls: number;
  /** Calls in flight at most. */
  inFlight: number;
  /** Calls issued per macrotask turn at most. */
  perTurn: number;
  /** Interval of the host timer in ms. */
  intervalMs: number;
}

/** What one run measured. */
export interface Lateness {
  /** How late each tick of the interval timer fired, in ms. */
  lateMs: number[];
  /** Calls that resolved. */
  completed: number;
  /** Milliseconds from the first call to the last result. */
  ms: number;
}

/**
 * Runs `load.calls` calls of `call` and measures the host timer's lateness meanwhile.
 * @param call Issues one call (for example `x + 1` on a pool).
 */
export async function measureLateness(
  load: LatenessLoad,
  call: () => Promise<unknown>,
): Promise<Lateness> {
  const lateMs: number[] = [];
  let due = performance.now() + load.intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    lateMs.push(Math.max(0, now - due));
    // The next tick is due one interval after this one fired (as the runtimes schedule it).
    due = now + load.intervalMs;
  }, load.intervalMs);
  let issued = 0;
  let completed = 0;
  let inFlight = 0;
  const start = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const settled = () => {
        inFlight--;
        completed++;
        if (completed === load.calls) resolve();
      };
      const turn = () => {
        let n = 0;
        while (issued < load.calls && inFlight < load.inFlight && n < load.perTurn) {
          issued++;
          inFlight++;
          n++;
          call().then(settled, reject);
        }
        if (issued < load.calls) setImmediate(turn);
      };
      turn();
    });
  } finally {
    clearInterval(timer);
  }
  return { lateMs, completed, ms: performance.now() - start };
}
