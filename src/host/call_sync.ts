/**
 * The blocking half of `pool.callSync.<name>(arg)`: the checks before a synchronous call, and the
 * wait for its answer. The call itself goes through a lane like any other (`Dispatcher.callSync`
 * writes it and publishes at once); while it is pending the host thread blocks in `Atomics.wait`
 * on the lane's response bell, with the same wake-up protocol as the asynchronous wait (see
 * `link.ts`), and each time it wakes it drains the lane, settling every answer there, the
 * asynchronous calls' too (their promises resolve once the event loop runs again). So the lane's
 * counts and ids stay as the asynchronous paths expect them; nothing is read twice or skipped.
 *
 * While the thread blocks, its event loop does not run: timers do not fire, and the host hears
 * of a worker's exit only afterwards. A timeout is therefore checked by the wait itself.
 *
 * @module
 */

import { checkOptions, type Schema, shown } from "./option_schema.ts";
import { TIMEOUT_MS } from "./call_options.ts";
import { WorkerCrashedError } from "../errors.ts";
import { WorkerState } from "../memory/layout.ts";
import type { PendingCall } from "./call_table.ts";
import type { Lane } from "./lane.ts";

/** Options of a synchronous call. */
export interface SyncCallOptions {
  /**
   * Milliseconds after which the call throws `TimeoutError` (from when it is written to a ready
   * worker). Default: the task's `timeout`, else none.
   */
  timeout?: number;
}

const SYNC_SCHEMA: Schema = { timeout: TIMEOUT_MS };

/**
 * Milliseconds of one blocking wait at most: a wake-up lost to a race the protocol does not
 * cover costs at most this, never a hang.
 */
const SAFETY_WAIT_MS = 1000;

let blockable: boolean | undefined;

/**
 * True when this thread may block in `Atomics.wait`: tried once, on a word that does not hold
 * the value waited for, so it returns at once where waiting is allowed and throws where it is
 * not (a browser's main thread, for one).
 */
export function canBlock(wait: typeof Atomics.wait = Atomics.wait): boolean {
  if (wait === Atomics.wait && blockable !== undefined) return blockable;
  let allowed: boolean;
  try {
    wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    allowed = true;
  } catch {
    // Atomics.wait throws a TypeError on threads that may not block: that is the answer.
    allowed = false;
  }
  if (wait === Atomics.wait) blockable = allowed;
  return allowed;
}

/**
 * Checks a synchronous call before anything is written.
 * @throws {TypeError} When this thread may not block, `arg` is a promise, or an option is unknown
 * or of the wrong type.
 * @throws {RangeError} When `timeout` is out of range.
 */
export function checkSyncCall(arg: unknown, options: SyncCallOptions | undefined): void {
  if (!canBlock()) {
    throw new TypeError(
      "Cannot call task synchronously: this thread may not block in Atomics.wait, received a callSync call (use pool.call instead)",
    );
  }
  checkOptions("call task synchronously", options, SYNC_SCHEMA);
  if (
    (typeof arg === "object" || typeof arg === "function") && arg !== null &&
    typeof (arg as PromiseLike<unknown>).then === "function"
  ) {
    throw new TypeError(
      `Cannot call task synchronously: a promise cannot be awaited while the thread blocks, received ${
        shown(arg)
      } with a then method (await it first, or use pool.call)`,
    );
  }
}

/**
 * Blocks until `done()` or until `deadline` (a `performance.now()` time; `Infinity` for none),
 * draining `lane` each time an answer may have come.
 * @returns false when the deadline passed first.
 */
export function blockUntil(lane: Lane, done: () => boolean, deadline: number): boolean {
  const link = lane.link;
  try {
    for (;;) {
      lane.drainNow();
      if (done()) return true;
      if (!lane.alive) return done();
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const bell = link.prepareWait(undefined);
      // -1: answers came in between: drain them first.
      if (bell !== -1) link.waitSync(bell, Math.min(left, SAFETY_WAIT_MS));
    }
  } finally {
    // The lane's own asynchronous wait, if one is armed, wakes and arms again on a fresh wait.
    link.ringHost();
  }
}

/**
 * The least busy lane whose worker runs its loop and has room, for a synchronous call: one still
 * loading its modules may yet fail to start, which the blocked event loop would not hear of.
 * @throws {Error} When no lane is ready, or none that is has room.
 */
export function syncLane(lanes: readonly Lane[]): Lane {
  let best: Lane | undefined;
  let starting = false;
  for (const lane of lanes) {
    // A worker that has entered its loop has loaded its modules, even if its "ready" message
    // (which only the event loop delivers) has not been read yet.
    const state = lane.link.workerState();
    const running = lane.ready || state === WorkerState.RUNNING || state === WorkerState.PARKED;
    if (lane.alive && !running) starting = true;
    if (!running || !lane.open) continue;
    if (best === undefined || lane.inFlight < best.inFlight) best = lane;
  }
  if (best !== undefined) return best;
  throw new Error(
    starting
      ? "Cannot call task synchronously: no worker has started yet, received a call before the first one was ready (await an asynchronous call, such as a broadcast, first)"
      : "Cannot call task synchronously: no ready worker has room in its mailbox, received a call while every mailbox is full",
  );
}

/** How a synchronous call ended, caught as it is settled (its promise is never used). */
export interface SyncOutcome {
  /** True once the call has been settled. */
  readonly settled: boolean;
  /**
   * The result, or throws the call's error.
   * @param lane The lane it ran on, for the message when it was never settled.
   */
  take(lane: number): unknown;
}

/** Replaces `call`'s resolving functions with ones that keep the outcome for the blocked caller. */
export function captureOutcome(call: PendingCall): SyncOutcome {
  let settled = false;
  let ok = false;
  let value: unknown;
  call.resolve = (result) => {
    settled = ok = true;
    value = result;
  };
  call.reject = (reason) => {
    settled = true;
    value = reason;
  };
  return {
    get settled() {
      return settled;
    },
    take(lane: number): unknown {
      if (ok) return value;
      if (settled) throw value;
      throw new WorkerCrashedError(
        `Cannot finish call: worker ${lane} ended during a synchronous call`,
      );
    },
  };
}
