/**
 * Error classes that weft itself creates. Each is an `Error` subclass that callers can tell
 * apart with `instanceof`. This file is a leaf: it imports nothing.
 *
 * @module
 */

/** A call was made to, or was still pending on, a pool that has been shut down or closed. */
export class PoolClosedError extends Error {
  /**
   * Creates the error.
   * @param message What was refused and why.
   */
  constructor(message: string) {
    super(message);
    this.name = "PoolClosedError";
  }
}

/** A worker could not start: its entry or a task module failed to load. */
export class WorkerStartError extends Error {
  /**
   * Creates the error.
   * @param message What failed.
   * @param options `cause` carries the error the worker raised.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerStartError";
  }
}

/** A worker died while it was running the call. */
export class WorkerCrashedError extends Error {
  /**
   * Creates the error.
   * @param message What happened.
   * @param options `cause` carries the exit code or the error that ended the worker.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerCrashedError";
  }
}

/** A call ran longer than its timeout. */
export class TimeoutError extends Error {
  /**
   * Creates the error.
   * @param message What timed out and after how long.
   */
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

/** A call was refused because the pool's queue was full (`maxQueue`). */
export class QueueFullError extends Error {
  /**
   * Creates the error.
   * @param message The queue's size and limit.
   */
  constructor(message: string) {
    super(message);
    this.name = "QueueFullError";
  }
}

/**
 * A pool asked for a permission that its runtime and isolation cannot enforce (Node.js and Bun
 * threads share their process's access; Node's permission model has no network control; Bun has
 * none at all). weft refuses such a pool instead of running it unguarded.
 */
export class UnenforceablePermissionError extends Error {
  /** The permission refused: `read`, `net`, ... */
  readonly permission: string;
  /** The runtime that cannot enforce it: `deno`, `node` or `bun`. */
  readonly runtime: string;
  /** Where the calls would run: `thread`, `process`, or `inline` (on the host, the inliner's). */
  readonly isolation: string;
  /**
   * Creates the error.
   * @param message What was refused, and what would enforce it.
   * @param details The permission, the runtime and the isolation.
   */
  constructor(
    message: string,
    details: { permission: string; runtime: string; isolation: string },
  ) {
    super(message);
    this.name = "UnenforceablePermissionError";
    this.permission = details.permission;
    this.runtime = details.runtime;
    this.isolation = details.isolation;
  }
}
