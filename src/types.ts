/**
 * Public types of weft.
 *
 * @module
 */

import type { PayloadOptions } from "./memory/region.ts";

export type { PayloadOptions };

/** Tuning of the worker's idle behaviour. */
export interface WorkerOptions {
  /** Microseconds a worker spins waiting for the next call before it parks. Default: 50. */
  spinMicroseconds?: number;
  /**
   * Microseconds a worker then blocks in `Atomics.wait` (fast wake-up, but its event loop is held)
   * before it parks in `Atomics.waitAsync` (its timers and I/O run). Default: 2000.
   */
  parkMicroseconds?: number;
  /** Run a garbage collection when going idle, where the runtime exposes one. Default: true. */
  gcOnIdle?: boolean;
}

/** Options of {@linkcode createPool}. */
export interface PoolOptions {
  /** Worker threads. Default: available parallelism minus one, at least one. */
  threads?: number;
  /**
   * URL of the module that defines the tasks, for bundled code where it cannot be found from the
   * call stack. Default: the module that called `task()`.
   */
  module?: string | URL;
  /** Payload buffer sizes. */
  payload?: PayloadOptions;
  /** Worker idle tuning. */
  worker?: WorkerOptions;
  /**
   * Microseconds the host may check for answers right after it sends a batch, before it waits
   * with `Atomics.waitAsync` (whose wake-up costs 5-15 µs). Skipped for lanes whose calls take
   * longer than this. 0 turns it off. Default: 20.
   */
  hostSpinMicroseconds?: number;
}

/** Arguments of a call: optional when the task takes none. */
export type CallArgs<A> = unknown extends A ? [arg?: A | PromiseLike<A>]
  : undefined extends A ? [arg?: A | PromiseLike<A>]
  : [arg: A | PromiseLike<A>];

/** A function that calls a task on a worker. */
export type TaskCall<A, R> = (...args: CallArgs<A>) => Promise<R>;
