/**
 * How late the main thread's event loop runs: a timer meant to fire every `intervalMs` notes, for
 * every tick it was due since the last one, how late it came. A loop blocked for 300 ms by a
 * 5 ms timer therefore yields 60 samples from 300 ms down to 5 ms, as a fixed-rate sampler that
 * could interrupt the loop would see, instead of one sample that hides how long the block was.
 *
 * @module
 */

/** Percentiles of the event-loop delay, in milliseconds. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** A running sampler; `stop()` ends it and returns what it saw. */
export interface LoopDelaySampler {
  stop(): LoopDelay;
}

/** Starts sampling the event loop's delay every `intervalMs` (default 5). */
export function sampleLoopDelay(intervalMs = 5): LoopDelaySampler {
  const lateness: number[] = [];
  let due = performance.now() + intervalMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    const now = performance.now();
    // Every tick that fell due while the loop was busy was late by the time until now.
    while (due <= now) {
      lateness.push(now - due);
      due += intervalMs;
    }
    timer = setTimeout(tick, due - now);
  };
  timer = setTimeout(tick, intervalMs);
  return {
    stop(): LoopDelay {
      clearTimeout(timer);
      tick();
      clearTimeout(timer);
      return summarize(lateness);
    },
  };
}

/** The median, 99th percentile and maximum of `values` (0 for none). */
export function summarize(values: number[]): LoopDelay {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: at(1), samples: sorted.length };
}
