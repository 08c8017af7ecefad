/**
 * The context a task receives as its second argument: `ctx.signal`, a standard `AbortSignal`
 * that aborts when the host gives up on the call (abort or timeout), and `ctx.aborted()`, the
 * same answer read straight from shared memory, for synchronous loops that never yield.
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

/** The second argument of a task function. */
export interface TaskContext {
  /** Aborts when the caller aborts the call or its timeout expires. */
  readonly signal: AbortSignal;
  /** True once the call was aborted or timed out; cheap enough to call in a tight loop. */
  aborted(): boolean;
}

/** A task context bound to one call. */
export class CallContext implements TaskContext {
  readonly #id: number;
  readonly #source: AbortSource;
  #signal: AbortSignal | undefined;

  constructor(id: number, source: AbortSource) {
    this.#id = id;
    this.#source = source;
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
