/**
 * The host's side of a call's input stream: pulls values from the caller's `AsyncIterable` or
 * `ReadableStream` (or from `send()` on a channel, see `PushSource`) and sends each to the worker
 * as an `INPUT_ITEM`, then `INPUT_END` (or `INPUT_ERROR` when the source fails).
 *
 * Backpressure: nothing is sent before the worker runs the call and reports its consumed count
 * (0 at the start); after that, at most `window` items beyond the latest count are in flight, so
 * the source is read only as fast as the task reads `ctx.input`. When the task stops reading
 * (`INPUT_CLOSED`) or the call ends, the source is released (`return()`, or the stream's reader
 * is cancelled).
 *
 * @module
 */

import { StreamControl } from "../memory/layout.ts";

/** What the feed asks of its call. */
export interface FeedControls {
  /**
   * Sends a stream message of kind `kind` to the worker.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  send(kind: number, value: unknown): void;
  /** A value of the source could not cross: the call fails with `error`. */
  fail(error: unknown): void;
}

/** True for a value the host reads as a call's input stream. */
export function isInputStream(value: unknown): value is AsyncIterable<unknown> | ReadableStream {
  return typeof value === "object" && value !== null &&
    (typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function" ||
      (typeof ReadableStream === "function" && value instanceof ReadableStream));
}

/** An iterator over `source`, read with a stream reader where it is a `ReadableStream`. */
function iterate(source: AsyncIterable<unknown> | ReadableStream): AsyncIterator<unknown> {
  if (typeof ReadableStream === "function" && source instanceof ReadableStream) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      return: async () => {
        await reader.cancel();
        return { value: undefined, done: true };
      },
    };
  }
  return (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
}

/** One call's input stream, on the host. */
export class InputFeed {
  readonly #source: AsyncIterator<unknown>;
  readonly #window: number;
  readonly #controls: FeedControls;
  #sent = 0;
  /** The worker's consumed count, or -1 until it runs the call. */
  #consumed = -1;
  #pulling = false;
  /** Set once the end or an error was sent, or the feed was stopped. */
  #done = false;
  #stopped = false;

  /**
   * @param source What to read.
   * @param window Items in flight beyond the worker's consumed count.
   * @param controls How the feed reaches its call.
   */
  constructor(
    source: AsyncIterable<unknown> | ReadableStream,
    window: number,
    controls: FeedControls,
  ) {
    this.#source = iterate(source);
    this.#window = Math.max(1, window);
    this.#controls = controls;
  }

  /** The worker has consumed `consumed` items so far. */
  credit(consumed: number): void {
    if (consumed > this.#consumed) this.#consumed = consumed;
    void this.#pull();
  }

  /** The task stopped reading, or the call ended: send nothing more, release the source. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const wasDone = this.#done;
    this.#done = true;
    // A source still being read is released when its pending read comes back (see `#pull`).
    if (!wasDone && !this.#pulling) this.#release();
  }

  #release(): void {
    const done = this.#source.return?.();
    // Releasing is best effort: a source that fails to close has nothing more to give us.
    if (done !== undefined) done.then(undefined, () => {});
  }

  async #pull(): Promise<void> {
    if (this.#pulling) return;
    this.#pulling = true;
    try {
      while (!this.#done && this.#consumed >= 0 && this.#sent - this.#consumed < this.#window) {
        let r: IteratorResult<unknown>;
        try {
          r = await this.#source.next();
        } catch (err) {
          if (this.#done) break;
          this.#done = true;
          this.#send(StreamControl.INPUT_ERROR, err);
          break;
        }
        if (this.#done) {
          // Stopped while the read was pending.
          this.#release();
          break;
        }
        if (r.done) {
          this.#done = true;
          this.#send(StreamControl.INPUT_END, undefined);
          break;
        }
        this.#sent++;
        if (!this.#send(StreamControl.INPUT_ITEM, r.value)) {
          this.#done = true;
          this.#release();
          break;
        }
      }
    } finally {
      this.#pulling = false;
    }
  }

  /** @returns false when the value could not cross (the call has been failed). */
  #send(kind: number, value: unknown): boolean {
    try {
      this.#controls.send(kind, value);
      return true;
    } catch (err) {
      this.#controls.fail(err);
      return false;
    }
  }
}

/**
 * The source of a channel's input: values pushed with `push`, read by an `InputFeed` as it
 * has room, so that each `push` resolves once its value has gone to the worker.
 */
export class PushSource implements AsyncIterableIterator<unknown> {
  #queue: { value: unknown; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #reader: ((r: IteratorResult<unknown>) => void) | undefined;
  #readerFail: ((e: unknown) => void) | undefined;
  #closing = false;
  #failure: { error: unknown } | undefined;
  /** Why pushes are refused, once they are. */
  #refusal: Error | undefined;

  /** Queues `value`; resolves once it went to the worker. */
  push(value: unknown): Promise<void> {
    if (this.#refusal !== undefined) return Promise.reject(this.#refusal);
    if (this.#closing) {
      return Promise.reject(
        new TypeError("Cannot send value: the channel's input is closed, received one more value"),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ value, resolve, reject });
      this.#wake();
    });
  }

  /** Ends the input once every value pushed so far went out. */
  close(): void {
    this.#closing = true;
    this.#wake();
  }

  /** Fails the input with `error` once every value pushed so far went out. */
  fail(error: unknown): void {
    this.#closing = true;
    this.#failure = { error };
    this.#wake();
  }

  /** Refuses every value pushed from now on, and those still queued, with `error`. */
  refuse(error: Error): void {
    this.#refusal ??= error;
    for (const entry of this.#queue.splice(0)) entry.reject(this.#refusal);
    this.#wake();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    return new Promise((resolve, reject) => {
      this.#reader = resolve;
      this.#readerFail = reject;
      this.#wake();
    });
  }

  return(): Promise<IteratorResult<unknown>> {
    this.refuse(
      new Error("Cannot send value: the task stopped reading its input, received a value"),
    );
    return Promise.resolve({ value: undefined, done: true });
  }

  #wake(): void {
    const reader = this.#reader;
    const fail = this.#readerFail!;
    if (reader === undefined) return;
    const entry = this.#queue.shift();
    if (entry !== undefined) {
      this.#reader = undefined;
      // The feed writes the value before its next read: resolve the sender after that.
      queueMicrotask(entry.resolve);
      reader({ value: entry.value, done: false });
      return;
    }
    if (this.#refusal !== undefined || this.#closing) {
      this.#reader = undefined;
      if (this.#failure !== undefined && this.#refusal === undefined) fail(this.#failure.error);
      else reader({ value: undefined, done: true });
    }
  }
}
