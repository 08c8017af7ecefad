/**
 * The counters a pool reports through `stats()`.
 *
 * @module
 */

import type { TaskStats } from "./task_stats.ts";

export type { TaskStats };

/** Counters of a pool. */
export interface PoolStats {
  /** Live worker threads. */
  threads: number;
  /** Calls waiting in the host queue for mailbox space. */
  queued: number;
  /** Calls written to a worker and not yet settled. */
  running: number;
  /** Calls that resolved. */
  completed: number;
  /** Calls that rejected (task errors, timeouts, aborts, crashes). */
  failed: number;
  /** Workers started to replace ones that died. */
  respawns: number;
  /** Workers ended and replaced because they passed a `recycle` limit. */
  recycled: number;
  /** Host waits that ended by their safety timeout and found answers (lost wake-ups). */
  lostWakeups: number;
  /** Groups of calls published to workers (each with at most one wake-up). */
  batches: number;
  /**
   * Run-time and wait-time distributions of each task's calls, by task name (empty unless the
   * pool's `taskTimings` option is true).
   */
  tasks: Record<string, TaskStats>;
}

/** The counters of a pool that runs nothing (the inert pools made inside a worker). */
export const NO_STATS: Readonly<Omit<PoolStats, "tasks">> = {
  threads: 0,
  queued: 0,
  running: 0,
  completed: 0,
  failed: 0,
  respawns: 0,
  recycled: 0,
  lostWakeups: 0,
  batches: 0,
};
