/**
 * The worker's end of a call's input stream (`ctx.input`): the items the host sent, in order, read
 * as an async iterable by one reader.
 *
 * Backpressure: the host sends at most `window` items beyond what this queue has reported as
 * consumed (`INPUT_CREDIT`). An item counts as consumed once the task asks for the next one (so
 * the item it is working on still counts against the window). The queue reports its consumed count at the start (so the host sends
 * only to a worker that runs the call: nothing is sent ahead to a call that may yet be withdrawn)
 * and again each time half a window more has been consumed; so at most `window` items ever wait
 * here, however slowly the task reads. A reader that stops early (`break`, `return()`) reports
 * `INPUT_CLOSED` once, and the host sends no more.
 *
 * @module
 */

/** What the queue tells the host. */
export interface InputReports {
  /** The task has consumed `consumed` items so far. */
  credit(consumed: number): void;
  /** The task stopped reading: send no more. */
  closed(): void;
}

const DONE: IteratorResult<unknown> = { value: undefined, done: true };

/** One call's input stream in the worker. */
export class InputQueue implements AsyncIterableIterator<unknown> {
  readonly #reports: InputReports;
  /** Items consumed between two credits. */
  readonly #step: number;
  #items: unknown[] = [];
  #head = 0;
  #consumed = 0;
  #credited = 0;
  /** Set while the task holds an item it has not yet asked past. */
  #holding = false;
  #waiter:
    | { resolve: (r: IteratorResult<unknown>) => void; reject: (e: unknown) => void }
    | undefined;
  #ended = false;
  #failed = false;
  #error: unknown;
  /** Set once the reader stopped or the call ended: items that still come are dropped. */
  #closed = false;

  /**
   * @param window Items the host may send beyond the consumed count (at least 1).
   * @param reports Where credits and the close go.
   */
  constructor(window: number, reports: InputReports) {
    this.#reports = reports;
    this.#step = Math.max(1, Math.ceil(window / 2));
    reports.credit(0);
  }

  /** An item from the host. */
  push(value: unknown): void {
    if (this.#closed || this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.#holding = true;
      waiter.resolve({ value, done: false });
      return;
    }
    this.#items.push(value);
  }

  /** The host's input ended. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settleWaiter();
  }

  /** The host's input failed with `error`. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failed = true;
    this.#error = error;
    this.#settleWaiter();
  }

  /** The call ended: drop what is held, end the reader quietly. */
  dispose(): void {
    this.#closed = true;
    this.#items = [];
    this.#head = 0;
    this.#settleWaiter();
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#holding) {
      this.#holding = false;
      this.#took();
    }
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (this.#head === this.#items.length) {
        this.#items.length = 0;
        this.#head = 0;
      }
      this.#holding = true;
      return Promise.resolve({ value, done: false });
    }
    if (this.#failed && !this.#closed) return Promise.reject(this.#error);
    if (this.#ended || this.#closed) return Promise.resolve(DONE);
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new TypeError(
          "Cannot read input: another read is pending (ctx.input has one reader), received a second next()",
        ),
      );
    }
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<unknown>> {
    if (!this.#closed) {
      const wasOpen = !this.#ended;
      this.dispose();
      if (wasOpen) this.#reports.closed();
    }
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #took(): void {
    this.#consumed++;
    if (this.#consumed - this.#credited >= this.#step && !this.#ended) {
      this.#credited = this.#consumed;
      this.#reports.credit(this.#consumed);
    }
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    if (this.#failed && !this.#closed) waiter.reject(this.#error);
    else waiter.resolve(DONE);
  }
}
