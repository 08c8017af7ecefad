/**
 * The caller's side of a generator task's output: what `pool.call.<name>(arg)` returns for such a
 * task. It is an async iterator of the values the generator yields, and a thenable of its return
 * value.
 *
 * Backpressure (the other half is in `src/worker/stream_runner.ts`): the worker yields at most a
 * window of items, and of their encoded bytes, beyond the count this side reports as consumed.
 * Items wait here until the caller takes them; the consumed count goes back each time half the
 * items window, or half the bytes window, more was taken, so the worker can refill the window
 * while the caller still reads the other half (a window full on bytes used to move only once the
 * caller had run dry: one stalled wake-up per window). It also goes back whenever the caller asks
 * for an item while none waits, short of half a window; so a stream moves even where the sizes
 * counted here differ from the worker's (a process worker's relay encodes the items again). At
 * most a window of items is ever held here.
 *
 * The call's promise settles once, as any call's: with the return value, the generator's error,
 * `WorkerCrashedError`, a timeout or an abort. Items that came before it are read first; then
 * `next()` rejects with the error (once) or ends. Awaiting the object without reading it discards
 * the items (each is consumed as it comes), so the generator runs to its end.
 *
 * @module
 */

import type { PackedNumbers } from "../memory/number_pack.ts";
import { Ring } from "../memory/ring.ts";
import { SizeRuns } from "../memory/size_runs.ts";
import type { StreamWindows } from "../memory/stream_head.ts";

/** What a stream asks of its call. */
export interface StreamCallControls {
  /** Reports that the caller has consumed `consumed` items so far. */
  credit(consumed: number): void;
  /** The caller stopped reading: the call resolves with undefined and the generator returns. */
  cancel(): void;
  /** Reads the items the worker has published by now (they come through `item`). */
  poll(): void;
}

type Waiter<Y> = {
  resolve: (r: IteratorResult<Y, unknown>) => void;
  reject: (e: unknown) => void;
};

/** The output of one generator call, read by the caller. */
export class CallStream<Y, R> implements AsyncIterableIterator<Y>, PromiseLike<R> {
  readonly #result: Promise<R>;
  readonly #controls: StreamCallControls;
  /** Items consumed between two credits, at most. */
  readonly #step: number;
  /** Encoded bytes consumed between two credits, at most. */
  readonly #byteStep: number;
  /** The items waiting here, and each one's encoded bytes, in the same order. */
  readonly #items = new Ring<Y>();
  readonly #sizes = new SizeRuns();
  #consumed = 0;
  #credited = 0;
  /** Encoded bytes of the items consumed since the last credit. */
  #uncreditedBytes = 0;
  #waiter: Waiter<Y> | undefined;
  /** Set once the call's promise settled: `#ok` and `#outcome` say how. */
  #settled = false;
  #ok = false;
  #outcome: unknown;
  /** Set once the caller has read past the end (or the error): later reads end at once. */
  #finished = false;
  /** Set once the caller awaited the object without reading: items are dropped as they come. */
  #discarding = false;
  #reading = false;
  /** Resolves once the call has ended in the worker (see `ended`). */
  readonly #ended: Promise<void>;
  #markEnded: () => void = () => {};
  #readable: ReadableStream<Y> | undefined;

  /**
   * @param result The call's promise.
   * @param window Items and bytes the worker may run ahead of the caller.
   * @param controls How the stream reaches its call.
   */
  constructor(
    result: Promise<unknown>,
    window: Pick<StreamWindows, "items" | "bytes">,
    controls: StreamCallControls,
  ) {
    this.#result = result as Promise<R>;
    this.#controls = controls;
    this.#step = Math.max(1, Math.ceil(window.items / 2));
    this.#byteStep = Math.max(1, Math.ceil(window.bytes / 2));
    this.#ended = new Promise((resolve) => (this.#markEnded = resolve));
    result.then(
      (value) => this.#settle(true, value),
      (err) => this.#settle(false, err),
    );
  }

  /** A value the generator yielded, `bytes` long as encoded. */
  item(value: Y, bytes: number): void {
    if (this.#discarding || this.#finished) {
      this.#took(bytes);
      return;
    }
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.#took(bytes);
      waiter.resolve({ value, done: false });
      return;
    }
    this.#items.push(value);
    this.#sizes.push(bytes);
  }

  /**
   * Numbers the generator yielded in a row, one item each, as `item` takes them: handed over per
   * packed slot, so the lane's drain makes one call per slot rather than one per item.
   */
  numbers(numbers: PackedNumbers): void {
    const count = numbers.count;
    const bytes = numbers.bytesEach;
    let k = 0;
    if (this.#waiter !== undefined && count > 0) this.item(numbers.value(k++) as Y, bytes);
    if (this.#discarding || this.#finished) {
      for (; k < count; k++) this.#took(bytes);
      return;
    }
    if (k === count) return;
    this.#sizes.pushRun(bytes, count - k);
    for (; k < count; k++) this.#items.push(numbers.value(k) as Y);
  }

  /** The call has ended in the worker (or never reached one): `return()` may resolve. */
  ended(): void {
    this.#markEnded();
  }

  next(): Promise<IteratorResult<Y, R>> {
    this.#reading = true;
    if (this.#items.length > 0) return this.#shift();
    if (this.#settled) return this.#end();
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new TypeError(
          "Cannot read stream: another read is pending, received a second next() before the first settled",
        ),
      );
    }
    // The worker has often published more by now: read them here rather than wait for the wake-up,
    // which comes only after the event loop's turn (this loop of reads runs in microtasks).
    this.#controls.poll();
    if (this.#items.length > 0) return this.#shift();
    // Nothing waits here: whatever the worker had yielded has been consumed, so tell it now, even
    // short of half a window (its window may be full on bytes).
    if (this.#consumed !== this.#credited) this.#credit();
    return new Promise<IteratorResult<Y, unknown>>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    }) as Promise<IteratorResult<Y, R>>;
  }

  /** The first item waiting here, taken. */
  #shift(): Promise<IteratorResult<Y, R>> {
    const value = this.#items.shift();
    this.#took(this.#sizes.shift());
    return Promise.resolve({ value, done: false });
  }

  /**
   * Stops reading: the generator in the worker is returned (its `finally` blocks run) and the
   * call resolves with undefined. Resolves once the worker has ended the call.
   */
  return(): Promise<IteratorResult<Y, R>> {
    this.#reading = true;
    this.#finished = true;
    this.#items.clear();
    this.#sizes.clear();
    if (!this.#settled) this.#controls.cancel();
    return this.#ended.then(() => ({ value: undefined as R, done: true }));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  then<A = R, B = never>(
    onfulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (!this.#reading && !this.#discarding) {
      // Awaited without being read: the values are not wanted; let the generator run on.
      this.#discarding = true;
      for (let i = this.#items.length; i > 0; i--) this.#took(this.#sizes.shift());
      this.#items.clear();
      if (this.#consumed !== this.#credited) this.#credit();
    }
    return this.#result.then(onfulfilled, onrejected);
  }

  /** The same values as a web `ReadableStream` (cancelling it returns the generator). */
  get readable(): ReadableStream<Y> {
    return this.#readable ??= new ReadableStream<Y>({
      pull: async (controller) => {
        const r = await this.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: async () => {
        await this.return();
      },
    }, { highWaterMark: 0 });
  }

  #took(bytes: number): void {
    this.#consumed++;
    this.#uncreditedBytes += bytes;
    if (this.#consumed - this.#credited >= this.#step || this.#uncreditedBytes >= this.#byteStep) {
      this.#credit();
    }
  }

  #credit(): void {
    this.#credited = this.#consumed;
    this.#uncreditedBytes = 0;
    if (!this.#settled) this.#controls.credit(this.#consumed);
  }

  #settle(ok: boolean, value: unknown): void {
    this.#settled = true;
    this.#ok = ok;
    this.#outcome = value;
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    this.#end().then(waiter.resolve, waiter.reject);
  }

  /** The read after the last item: the return value, or the error once. */
  #end(): Promise<IteratorResult<Y, R>> {
    if (this.#finished) return Promise.resolve({ value: undefined as R, done: true });
    this.#finished = true;
    if (this.#ok) return Promise.resolve({ value: this.#outcome as R, done: true });
    return Promise.reject(this.#outcome);
  }
}
