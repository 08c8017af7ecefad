/**
 * The context a task receives as its second argument: `ctx.signal`, a standard `AbortSignal`
 * that aborts when the host gives up on the call (abort or timeout), and `ctx.aborted()`, the
 * same answer read straight from shared memory, for synchronous loops that never yield;
 * `ctx.input`, the call's input stream, and `ctx.progress(value)`, which reports to the caller's
 * `onProgress` without ending the call.
 *
 * @module
 */

/** What a context asks of the worker loop. */
export interface AbortSource {
  /** Reads new abort notices; true when call `id` was given up on. */
  isAborted(id: number): boolean;
  /** A signal for call `id`, aborted now if the call was already given up on. */
  signalFor(id: number): AbortSignal;
}

/** Sends a progress value of call `id` to the host. */
export type ProgressSink = (id: number, value: unknown) => void;

/** The second argument of a task function. */
export interface TaskContext {
  /** Aborts when the caller aborts the call or its timeout expires. */
  readonly signal: AbortSignal;
  /** True once the call was aborted or timed out; cheap enough to call in a tight loop. */
  aborted(): boolean;
  /**
   * The call's input stream: the values of the `AsyncIterable` or `ReadableStream` the caller
   * passed as the argument, or those it `send`s on a channel (`pool.open`), pulled only as fast
   * as the task reads them. Empty for a call without one. Breaking out of it tells the caller
   * to send no more.
   */
  readonly input: AsyncIterable<unknown>;
  /**
   * Sends `value` to the caller's `onProgress` callback; the call goes on.
   * @throws {TypeError} When the value cannot cross.
   * @throws {Error} When the call has already ended.
   */
  progress(value: unknown): void;
}

/** The input of a call that has none: it ends at once. */
const NO_INPUT: AsyncIterable<unknown> = {
  [Symbol.asyncIterator]: () => ({
    next: () => Promise.resolve({ value: undefined, done: true }),
  }),
};

/** Drops a progress report: nobody listens for it. */
const IGNORE_PROGRESS: ProgressSink = () => {};

/** A task context bound to one call. */
export class CallContext implements TaskContext {
  readonly #id: number;
  readonly #source: AbortSource;
  readonly #progress: ProgressSink;
  readonly #input: AsyncIterable<unknown>;
  #signal: AbortSignal | undefined;

  /**
   * @param progress Where `ctx.progress` goes; by default nowhere (a call made without
   *   `onProgress`, such as one the host runs itself).
   */
  constructor(
    id: number,
    source: AbortSource,
    progress: ProgressSink = IGNORE_PROGRESS,
    input: AsyncIterable<unknown> = NO_INPUT,
  ) {
    this.#id = id;
    this.#source = source;
    this.#progress = progress;
    this.#input = input;
  }

  get input(): AsyncIterable<unknown> {
    return this.#input;
  }

  progress(value: unknown): void {
    this.#progress(this.#id, value);
  }

  get signal(): AbortSignal {
    return (this.#signal ??= this.#source.signalFor(this.#id));
  }

  aborted(): boolean {
    return this.#source.isAborted(this.#id);
  }
}

/** The reason a call's signal aborts with, in the worker. */
export function abortReason(timedOut: boolean): Error {
  const err = new Error(
    timedOut ? "The call's timeout expired" : "The call was aborted by the caller",
  );
  err.name = timedOut ? "TimeoutError" : "AbortError";
  return err;
}
