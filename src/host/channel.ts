/**
 * A duplex channel to one running task (`pool.open.<name>(arg)`): the host sends values that the
 * task reads from `ctx.input`, and reads what the task yields. Both ends are web streams too
 * (`readable`, `writable`), so they pipe into `fetch`, `Response` and file streams.
 *
 * Either side closing is seen by the other:
 * - `close()` (or closing `writable`) ends `ctx.input` in the task once every value sent so far
 *   has gone; aborting `writable` fails `ctx.input` with the reason.
 * - `return()` (a `break` out of `for await`, or cancelling `readable`) returns the task's
 *   generator in the worker; its `finally` blocks run.
 * - A task that stops reading `ctx.input` makes every `send()` from then on reject; a task that
 *   ends makes pending and later sends reject, and the channel's reading side ends.
 *
 * @module
 */

import type { PushSource } from "./input_feed.ts";
import type { CallStream } from "./stream_call.ts";

/** One channel. */
export class CallChannel<I, Y, R> implements AsyncIterableIterator<Y>, PromiseLike<R> {
  readonly #output: CallStream<Y, R>;
  readonly #input: PushSource;
  #writable: WritableStream<I> | undefined;

  constructor(output: CallStream<Y, R>, input: PushSource) {
    this.#output = output;
    this.#input = input;
  }

  /**
   * Sends `value` to the task (`ctx.input`); resolves once it has gone, which waits while the
   * task has a window of values unread.
   */
  send(value: I): Promise<void> {
    return this.#input.push(value);
  }

  /** Ends the task's input once every value sent so far has gone. */
  close(): void {
    this.#input.close();
  }

  next(): Promise<IteratorResult<Y, R>> {
    return this.#output.next();
  }

  /** Stops reading: the task's generator returns in the worker, and the call resolves. */
  return(): Promise<IteratorResult<Y, R>> {
    return this.#output.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  then<A = R, B = never>(
    onfulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#output.then(onfulfilled, onrejected);
  }

  /** What the task yields, as a web `ReadableStream`. */
  get readable(): ReadableStream<Y> {
    return this.#output.readable;
  }

  /** The task's input, as a web `WritableStream`. */
  get writable(): WritableStream<I> {
    return this.#writable ??= new WritableStream<I>({
      write: (value) => this.send(value),
      close: () => this.close(),
      abort: (reason) => this.#input.fail(reason),
    });
  }
}
