/**
 * Per-call options (`call.x(arg, { signal, timeout, transfer, key })`) and their validation.
 *
 * @module
 */

import {
  checkValue,
  finite,
  FUNCTION,
  group,
  integer,
  type Rule,
  shown,
  unknownOption,
} from "./option_schema.ts";

/** How far a stream's producer may run ahead of its consumer. */
export interface HighWaterMark {
  /** Items. Default: 1024. */
  items?: number;
  /** Bytes of encoded items (the item that crosses it is still sent). Default: 4 MiB. */
  bytes?: number;
}

/** Options of one call. */
export interface CallOptions {
  /** Aborts the call: before dispatch it never runs; while running the task's `ctx.signal` aborts. */
  signal?: AbortSignal;
  /**
   * Milliseconds after which the call rejects with `TimeoutError`, unless its result was produced
   * by then. The clock starts when a ready worker has the call: when the call is written to the
   * mailbox of a worker that has loaded its modules, or, for a call written to a worker that is
   * still starting, when that worker is ready. Time in the host queue and a worker's start-up do
   * not count; time behind earlier calls in the worker's mailbox does. Overrides the task's own
   * `timeout`. Default: the task's, or none.
   */
  timeout?: number;
  /**
   * `ArrayBuffer`s inside the argument to move to the worker instead of copying them, as with
   * `postMessage`: they are detached here at once.
   */
  transfer?: ArrayBuffer[];
  /**
   * Affinity: calls with the same key go to the same worker while that worker lives (for caches
   * a task keeps per worker); the first call of a key, and the first after its worker is gone
   * (crashed, recycled or retired), goes where the `balancer` sends it. Work stealing leaves
   * keyed calls where they are. A string or a finite number. Default: none.
   */
  key?: string | number;
  /**
   * For a generator task, a call with an input stream, or a channel: how many items (and bytes
   * of them) the producer may run ahead of the consumer, in each direction. The worker's
   * generator is suspended at its `yield` while the caller has that many unread; the caller's
   * input is read only while the task has fewer than `items` unread. Default:
   * `{ items: 1024, bytes: 4194304 }`.
   */
  highWaterMark?: HighWaterMark;
  /**
   * Called on the host with each value the task passes to `ctx.progress(value)`, while the call
   * goes on. If it throws, the call fails with that error. Default: none.
   */
  onProgress?: (value: unknown) => void;
}

const CALL_OPTIONS = ["signal", "timeout", "transfer", "key", "highWaterMark", "onProgress"];

/** The rule of `highWaterMark`. */
const HIGH_WATER_MARK: Rule = group({
  items: integer(1, 2 ** 30, "a positive integer"),
  bytes: integer(1, 2 ** 52, "a positive integer"),
});

/**
 * Checks per-call options.
 * @throws {TypeError} When an option's name is unknown, or `options`, `signal`, `timeout` or
 * `transfer` has the wrong type.
 * @throws {RangeError} When `timeout` is a number that is not positive and finite.
 */
export function checkCallOptions(options: CallOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot call task: options must be an object, received ${shown(options)}`);
  }
  const { signal, timeout } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot call task: signal must be an AbortSignal, received ${shown(signal)}`,
    );
  }
  checkTimeout("call task", timeout);
  const { key } = options;
  if (key !== undefined && typeof key !== "string" && !Number.isFinite(key)) {
    throw new TypeError(
      `Cannot call task: key must be a string or a finite number, received ${shown(key)}`,
    );
  }
  // A name that is not an option would otherwise be ignored. `for in` over an object of one to
  // three keys reads the engine's cached key list and allocates nothing.
  for (const name in options) {
    if (name !== "signal" && name !== "timeout" && name !== "transfer" && name !== "key") {
      if (!CALL_OPTIONS.includes(name)) {
        throw unknownOption(
          "call task",
          name,
          (options as Record<string, unknown>)[name],
          CALL_OPTIONS,
        );
      }
      if (name === "highWaterMark") checkValue("call task", name, options[name], HIGH_WATER_MARK);
      else checkValue("call task", name, options.onProgress, FUNCTION);
    }
  }
  const { transfer } = options;
  if (
    transfer !== undefined &&
    (!Array.isArray(transfer) || !transfer.every((item) => item instanceof ArrayBuffer))
  ) {
    throw new TypeError(
      `Cannot call task: transfer must be an array of ArrayBuffers, received ${
        Array.isArray(transfer) ? `an array holding ${transfer.map((i) => typeof i)}` : transfer
      }`,
    );
  }
}

/** A timeout: milliseconds, positive and finite. */
export const TIMEOUT_MS: Rule = finite("a positive number of milliseconds", 0, true);

/**
 * Checks a timeout option.
 * @throws {TypeError} When it is given and not a number.
 * @throws {RangeError} When it is a number that is not positive and finite.
 */
export function checkTimeout(action: string, timeout: unknown): void {
  checkValue(action, "timeout", timeout, TIMEOUT_MS);
}
