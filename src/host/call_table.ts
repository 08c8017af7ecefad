/**
 * Calls that have been made and whose worker has not answered yet, by id. Ids are small integers
 * reused after a call ends, so the table stays a dense array.
 *
 * A call can be settled (its promise resolved or rejected) before it ends: a call that timed out
 * or was aborted is rejected at once, but stays here as "abandoned" until its worker answers or
 * dies, because its id is still in use in the worker. Settling happens once, in
 * {@linkcode settleCall}; the entry itself is removed once, by {@linkcode CallTable.take}.
 *
 * @module
 */

import type { PackedNumbers } from "../memory/number_pack.ts";

/** One call. Every field exists from the start, so all calls share one object shape. */
export interface PendingCall {
  /** What the caller awaits. */
  promise: Promise<unknown>;
  resolve: ((value: unknown) => void) | undefined;
  reject: ((reason: unknown) => void) | undefined;
  /** Task index. */
  task: number;
  /**
   * Lane the call was written to, or -1 while it waits in the host queue, or `INLINE_LANE` (-2)
   * when the host runs it (see `inline_lane.ts`).
   */
  lane: number;
  /** The only lane the call may run on (a broadcast's), or -1 for any. */
  pin: number;
  /** `performance.now()` when the call was made, if the pool keeps task timings; else 0. */
  calledAt: number;
  /** Request number on its lane (started once the worker's read count passes it). */
  seq: number;
  /** Timeout in ms from dispatch, or 0 for none. */
  timeout: number;
  /** Timer of the timeout or of the grace period after it. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The caller's signal and the listener registered on it. */
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Encoded argument while the call waits in the host queue. */
  bytes: Uint8Array | undefined;
  /** Out-of-band items of the argument (shared or moved buffers), sent with the call. */
  items: unknown[] | undefined;
  /** Number of the abort notice sent for this call, or -1. */
  notice: number;
  /** Set once the worker has answered (or died): only the id may still be held back. */
  ended: boolean;
  /** The affinity key of the call (`CallOptions.key`), or undefined. */
  key: string | number | undefined;
  /** Where the call's stream messages go (items, progress, input credit), if it has any. */
  sink: StreamSink | undefined;
}

/** What takes the stream messages of one call (see `call_sink.ts`). */
export interface StreamSink {
  /** The call was made with id `id`. */
  attach(id: number, call: PendingCall): void;
  /**
   * A stream message (`ResponseStatus.YIELD` and after, or `UNREADABLE_MESSAGE`) for the call,
   * `bytes` long as encoded (what the worker counts against the window; 0 when not known).
   */
  message(status: number, value: unknown, bytes: number): void;
  /** A packed slot of numbers the generator yielded: each is a `YIELD` message, in order. */
  numbers(numbers: PackedNumbers): void;
  /** The call has ended (answered, its worker died, or the pool stopped): nothing more comes. */
  ended(): void;
}

let capturedResolve: (value: unknown) => void = () => {};
let capturedReject: (reason: unknown) => void = () => {};

/**
 * The executor of every call's promise. One function for all calls hands the resolving functions
 * over through two variables: no closure and no `{ promise, resolve, reject }` object per call
 * (`Promise.withResolvers` makes that object; it was 5-8% of a small-call host's time on Bun).
 */
function capture(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** A new call of task `task`, not yet written anywhere, and its promise. */
export function newCall(
  task: number,
  timeout: number,
  signal: AbortSignal | undefined,
): PendingCall {
  const promise = new Promise<unknown>(capture);
  return {
    promise,
    resolve: capturedResolve,
    reject: capturedReject,
    task,
    lane: -1,
    pin: -1,
    calledAt: 0,
    seq: 0,
    timeout,
    timer: undefined,
    signal,
    onAbort: undefined,
    bytes: undefined,
    items: undefined,
    notice: -1,
    ended: false,
    key: undefined,
    sink: undefined,
  };
}

/**
 * Settles a call's promise, once: later calls do nothing. Clears the caller's abort listener.
 * @returns true when this call settled it.
 */
export function settleCall(call: PendingCall, ok: boolean, value: unknown): boolean {
  const resolve = call.resolve;
  const reject = call.reject;
  if (resolve === undefined || reject === undefined) return false;
  call.resolve = undefined;
  call.reject = undefined;
  if (call.onAbort !== undefined) {
    call.signal!.removeEventListener("abort", call.onAbort);
    call.onAbort = undefined;
  }
  if (ok) resolve(value);
  else reject(value);
  return true;
}

/** True once the call's promise has been settled. */
export function isSettled(call: PendingCall): boolean {
  return call.resolve === undefined;
}

/** Calls by id. */
export class CallTable {
  #calls: (PendingCall | undefined)[] = [];
  #free: number[] = [];
  #size = 0;

  /** Calls in the table (settled or not). */
  get size(): number {
    return this.#size;
  }

  /** Adds a call and returns its id. */
  add(call: PendingCall): number {
    const id = this.#free.length > 0 ? this.#free.pop()! : this.#calls.length;
    this.#calls[id] = call;
    this.#size++;
    return id;
  }

  /** The call with this id. */
  get(id: number): PendingCall | undefined {
    return this.#calls[id];
  }

  /** Removes and returns the call with this id; its id may be reused from now on. */
  take(id: number): PendingCall | undefined {
    const call = this.#calls[id];
    if (call === undefined) return undefined;
    this.#calls[id] = undefined;
    this.#free.push(id);
    this.#size--;
    return call;
  }

  /** Ids of the calls for which `match` is true. */
  ids(match: (call: PendingCall) => boolean): number[] {
    const out: number[] = [];
    this.#calls.forEach((call, id) => {
      if (call !== undefined && match(call)) out.push(id);
    });
    return out;
  }
}
