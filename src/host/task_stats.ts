/**
 * Run-time and wait-time distributions per task, for `stats().tasks`. The worker stamps when each
 * call starts and when its result is ready (`CallStamps`, `CALL_STAMPS_BYTES`); when the answer
 * arrives the host reads the two stamps and adds the call to two fixed histograms of its task:
 * run time (end - start) and wait time (start - the moment `call()` was made, so host queue,
 * mailbox and wake-up all count). A histogram is a row of counters in one typed array: 4 buckets
 * per power of two of microseconds, from 1 µs to 2^31 µs (about 36 minutes), so recording a call
 * is a few integer operations and no allocation, and a percentile is read to within a quarter
 * octave (it reports the bucket's upper bound, never more than the exact maximum kept beside).
 *
 * @module
 */

import { CALL_STAMP_ENTRY_F64, CALL_STAMPS_BYTES, SLOT_COUNT } from "../memory/layout.ts";

/** A distribution of times, in milliseconds. */
export interface TimeDistribution {
  /** Median, to within a quarter octave (the upper bound of its bucket, at most `max`). */
  p50: number;
  /** 99th percentile, to the same precision. */
  p99: number;
  /** The longest, exact. */
  max: number;
}

/** Timings of one task's calls that ran (aborted-before-start calls are not counted). */
export interface TaskStats {
  /** Calls counted. */
  calls: number;
  /** From the task's start on its worker to its result (or error). */
  run: TimeDistribution;
  /** From `call()` to the task's start on its worker: host queue, mailbox and wake-up. */
  wait: TimeDistribution;
}

const SUB_BUCKETS = 4;
const OCTAVES = 32;
/** Bucket 0 holds times under 1 µs; then `SUB_BUCKETS` per octave. */
const BUCKETS = 1 + OCTAVES * SUB_BUCKETS;
const MASK = SLOT_COUNT - 1;
const MAX_MICROS = 2 ** 31 - 1;

/** The bucket of `micros` microseconds. */
export function bucketOf(micros: number): number {
  if (!(micros >= 1)) return 0;
  const v = micros >= MAX_MICROS ? MAX_MICROS : micros | 0;
  const octave = 31 - Math.clz32(v);
  const sub = octave >= 2 ? (v >>> (octave - 2)) & 3 : (v << (2 - octave)) & 3;
  return 1 + octave * SUB_BUCKETS + sub;
}

/** The upper bound of bucket `bucket`, in microseconds. */
export function bucketTop(bucket: number): number {
  if (bucket === 0) return 1;
  const octave = (bucket - 1) >> 2;
  return ((SUB_BUCKETS + 1 + ((bucket - 1) & 3)) * 2 ** octave) / SUB_BUCKETS;
}

/** One histogram per task, in one typed array. */
class Histograms {
  readonly counts: Uint32Array;
  readonly max: Float64Array;

  constructor(tasks: number) {
    this.counts = new Uint32Array(tasks * BUCKETS);
    this.max = new Float64Array(tasks);
  }

  add(task: number, ms: number): void {
    const value = ms > 0 ? ms : 0;
    this.counts[task * BUCKETS + bucketOf(value * 1000)]++;
    if (value > this.max[task]) this.max[task] = value;
  }

  distribution(task: number, calls: number): TimeDistribution {
    const max = this.max[task];
    return { p50: this.#at(task, calls, 0.5, max), p99: this.#at(task, calls, 0.99, max), max };
  }

  #at(task: number, calls: number, q: number, max: number): number {
    if (calls === 0) return 0;
    const rank = Math.ceil(q * calls);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[task * BUCKETS + b];
      if (seen >= rank) return Math.min(bucketTop(b) / 1000, max);
    }
    return max;
  }
}

/** The timings of one pool's tasks. */
export class TaskTimings {
  readonly #names: readonly string[];
  readonly #calls: Float64Array;
  readonly #run: Histograms;
  readonly #wait: Histograms;
  readonly #origin = performance.timeOrigin;

  constructor(names: readonly string[]) {
    this.#names = names;
    this.#calls = new Float64Array(names.length);
    this.#run = new Histograms(names.length);
    this.#wait = new Histograms(names.length);
  }

  /** A call stamps buffer for a new worker. */
  stampsBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(CALL_STAMPS_BYTES);
  }

  /**
   * Counts call number `seq` of a worker whose stamps are `stamps`: a call of task `task` made
   * at `calledAt` (this thread's `performance.now()`), whose answer has arrived.
   */
  record(stamps: Float64Array, task: number, seq: number, calledAt: number): void {
    const at = (seq & MASK) * CALL_STAMP_ENTRY_F64;
    const start = stamps[at];
    this.#calls[task]++;
    this.#run.add(task, stamps[at + 1] - start);
    this.#wait.add(task, start - (this.#origin + calledAt));
  }

  /** The distributions so far, by task name. */
  snapshot(): Record<string, TaskStats> {
    const out: Record<string, TaskStats> = {};
    this.#names.forEach((name, task) => {
      const calls = this.#calls[task];
      out[name] = {
        calls,
        run: this.#run.distribution(task, calls),
        wait: this.#wait.distribution(task, calls),
      };
    });
    return out;
  }
}
