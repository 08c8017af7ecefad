/**
 * Stream calls in the worker: generator tasks, whose yielded values go to the host one response
 * each (`YIELD`; the numbers a synchronous generator yields in a row go several to a response, see
 * `src/memory/number_pack.ts`), and calls with an input stream (`ctx.input`, see `input_queue.ts`).
 *
 * Life of one output stream:
 *
 * ```
 * start -> pumping <-> waiting for credit
 *             |               |
 *             |  cancel (abort notice: break, return(), signal, timeout)
 *             v               v
 *          finished <---- closing (gen.return(): its finally runs)
 * ```
 *
 * Backpressure: the generator is pulled only while the items it has yielded beyond the host's
 * consumed count (`CREDIT`) stay under the window's items, and their encoded bytes under its
 * bytes; one item is always allowed, however large. The host sends its consumed count as the
 * caller reads, so a slow caller holds the generator suspended at its `yield`, and at most a
 * window of items waits between the two. A synchronous generator is pulled in a loop until its
 * window is full, then the worker serves other calls until credit comes.
 *
 * Cancellation comes through the abort ring like any abort: the call's `ctx.signal` aborts, and
 * the generator is returned at its next `yield` (at once when it waits for credit), so its
 * `finally` blocks run before the call's answer goes back.
 *
 * @module
 */

import { ResponseStatus, StreamControl } from "../memory/layout.ts";
import { SizeRuns } from "../memory/size_runs.ts";
import type { StreamHead } from "../memory/stream_head.ts";
import { InputQueue } from "./input_queue.ts";
import { type AbortSource, CallContext, type ProgressSink } from "./task_context.ts";

/** What the runner asks of the worker loop. */
export interface StreamHost {
  /**
   * Writes a stream message of call `id` (or holds it until there is space).
   * @returns Its encoded bytes.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  message(id: number, status: number, value: unknown): number;
  /**
   * Writes a value yielded by call `id` as `message` does, published with the next group of
   * messages or by {@linkcode StreamHost.publish} (a number may wait for the next ones, to share
   * their slot: `publish` writes it out).
   * @returns Its encoded bytes.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  item(id: number, value: unknown): number;
  /** Publishes the messages written so far. */
  publish(): void;
  /** The call is over: answers it and counts it done. */
  settled(id: number, status: number, value: unknown): void;
  /** A stream call has filled its window: it now waits on the host's credit alone. */
  held(): void;
}

/**
 * What the worker loop asks of whatever runs its stream calls: the {@linkcode StreamRunner} here,
 * or a process worker's relay, which forwards them to its child (`relay_calls.ts`).
 */
export interface StreamCalls {
  /**
   * Starts call `id` of task function `f` from its stream request. The loop counts the call as
   * pending until `StreamHost.settled` is called for it.
   */
  start(id: number, f: (arg: unknown, ctx: CallContext) => unknown, head: StreamHead): void;
  /** A stream message from the host about call `id`; one about a call not running is stale. */
  control(id: number, kind: number, value: unknown): void;
  /**
   * Stream calls that wait on the host's credit alone: the generator is suspended at a `yield`
   * with its window full, so nothing of theirs needs this thread's event loop.
   */
  held(): number;
}

/** Makes a worker loop's {@linkcode StreamCalls}. */
export type StreamCallsFactory = (
  host: StreamHost,
  aborts: AbortSource,
  progress: ProgressSink,
) => StreamCalls;

type AnyGenerator =
  | Generator<unknown, unknown, undefined>
  | AsyncGenerator<unknown, unknown, undefined>;

/** One running stream call. */
class OpenStream {
  readonly id: number;
  readonly items: number;
  readonly bytes: number;
  gen: AnyGenerator | undefined;
  sync = false;
  input: InputQueue | undefined;
  /** Items yielded so far, and the host's consumed count. */
  produced = 0;
  consumed = 0;
  /** Encoded bytes of the items yielded and not yet consumed, and each one's size, in order. */
  outstanding = 0;
  readonly sizes = new SizeRuns();
  pumping = false;
  /** Set while the window is full and the generator is not being pulled (see `held`). */
  held = false;
  cancelled = false;
  closing = false;
  finished = false;
  /** An item that could not cross: the call fails with it once the generator is closed. */
  failure: unknown = undefined;

  constructor(id: number, head: StreamHead) {
    this.id = id;
    this.items = Math.max(1, head.items);
    this.bytes = Math.max(1, head.bytes);
  }

  canProduce(): boolean {
    return this.produced - this.consumed < this.items && this.outstanding < this.bytes;
  }
}

/** The stream calls of one worker loop. */
export class StreamRunner implements StreamCalls {
  readonly #streams = new Map<number, OpenStream>();
  readonly #host: StreamHost;
  readonly #aborts: AbortSource;
  readonly #progress: ProgressSink;
  /** Streams whose `held` is set. */
  #held = 0;

  constructor(host: StreamHost, aborts: AbortSource, progress: ProgressSink) {
    this.#host = host;
    this.#aborts = aborts;
    this.#progress = progress;
  }

  held(): number {
    return this.#held;
  }

  /** Marks `s` as held by its window (or not); a newly held one is reported to the loop. */
  #hold(s: OpenStream, held: boolean): void {
    if (s.held === held) return;
    s.held = held;
    this.#held += held ? 1 : -1;
    if (held) this.#host.held();
  }

  /** True while call `id` is a stream call running here. */
  has(id: number): boolean {
    return this.#streams.has(id);
  }

  /**
   * Starts call `id` of task function `f` from its stream request. The loop counts the call as
   * pending until `StreamHost.settled` is called for it.
   */
  start(id: number, f: (arg: unknown, ctx: CallContext) => unknown, head: StreamHead): void {
    const s = new OpenStream(id, head);
    this.#streams.set(id, s);
    if (head.hasInput) {
      s.input = new InputQueue(head.inputItems, {
        credit: (consumed) => this.#send(s, ResponseStatus.INPUT_CREDIT, consumed),
        closed: () => this.#send(s, ResponseStatus.INPUT_CLOSED, undefined),
      });
    }
    const ctx = new CallContext(id, this.#aborts, this.#progress, s.input);
    const arg = head.argIsInput ? s.input : head.arg;
    let result: unknown;
    try {
      result = f(arg, ctx);
    } catch (err) {
      this.#finish(s, ResponseStatus.ERROR, err);
      return;
    }
    if (isGenerator(result)) {
      s.gen = result;
      s.sync = typeof (result as Generator)[Symbol.iterator] === "function";
      ctx.signal.addEventListener("abort", () => this.#cancel(s), { once: true });
      this.#pump(s);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.#finish(s, ResponseStatus.OK, value),
        (err) => this.#finish(s, ResponseStatus.ERROR, err),
      );
      return;
    }
    this.#finish(s, ResponseStatus.OK, result);
  }

  /** A stream message from the host about call `id`; one about a call not running here is stale. */
  control(id: number, kind: number, value: unknown): void {
    const s = this.#streams.get(id);
    if (s === undefined) return;
    switch (kind) {
      case StreamControl.CREDIT:
        this.#credit(s, value as number);
        break;
      case StreamControl.INPUT_ITEM:
        s.input?.push(value);
        break;
      case StreamControl.INPUT_END:
        s.input?.end();
        break;
      case StreamControl.INPUT_ERROR:
        s.input?.fail(value);
        break;
    }
  }

  #credit(s: OpenStream, consumed: number): void {
    // Counts wrap at 2^32 on the wire.
    let freed = (consumed - s.consumed) >>> 0;
    if (freed > s.sizes.length) freed = s.sizes.length;
    s.consumed = s.consumed + freed;
    s.outstanding -= s.sizes.take(freed);
    this.#pump(s);
  }

  #pump(s: OpenStream): void {
    if (s.pumping || s.finished || s.closing) return;
    if (s.cancelled) {
      this.#close(s);
      return;
    }
    if (!s.canProduce()) {
      this.#hold(s, true);
      return;
    }
    this.#hold(s, false);
    s.pumping = true;
    if (s.sync) this.#pumpSync(s, s.gen as Generator<unknown, unknown, undefined>);
    else void this.#pumpAsync(s, s.gen as AsyncGenerator<unknown, unknown, undefined>);
  }

  #pumpSync(s: OpenStream, gen: Generator<unknown, unknown, undefined>): void {
    for (;;) {
      let r: IteratorResult<unknown, unknown>;
      try {
        r = gen.next();
      } catch (err) {
        s.pumping = false;
        this.#finish(s, ResponseStatus.ERROR, err);
        return;
      }
      if (r.done) {
        s.pumping = false;
        this.#finish(s, ResponseStatus.OK, r.value);
        return;
      }
      if (!this.#emit(s, r.value, false) || s.cancelled || !s.canProduce()) break;
    }
    s.pumping = false;
    this.#host.publish();
    if (s.cancelled) this.#close(s);
    else this.#hold(s, true);
  }

  async #pumpAsync(s: OpenStream, gen: AsyncGenerator<unknown, unknown, undefined>): Promise<void> {
    for (;;) {
      let r: IteratorResult<unknown, unknown>;
      try {
        r = await gen.next();
      } catch (err) {
        s.pumping = false;
        this.#finish(s, ResponseStatus.ERROR, err);
        return;
      }
      if (r.done) {
        s.pumping = false;
        this.#finish(s, ResponseStatus.OK, r.value);
        return;
      }
      if (!this.#emit(s, r.value, true) || s.cancelled || !s.canProduce()) break;
    }
    s.pumping = false;
    if (s.cancelled) this.#close(s);
    else this.#hold(s, true);
  }

  /**
   * Sends one yielded value: published at once when `now`, else in groups (a synchronous pump
   * publishes when it stops, so a burst of items costs a few publishes instead of one each).
   * @returns false when it could not cross (the stream is closing).
   */
  #emit(s: OpenStream, value: unknown, now: boolean): boolean {
    let bytes: number;
    try {
      bytes = now
        ? this.#host.message(s.id, ResponseStatus.YIELD, value)
        : this.#host.item(s.id, value);
    } catch (err) {
      s.failure = err;
      s.cancelled = true;
      return false;
    }
    s.sizes.push(bytes);
    s.produced++;
    s.outstanding += bytes;
    return true;
  }

  #send(s: OpenStream, status: number, value: unknown): void {
    if (!s.finished) this.#host.message(s.id, status, value);
  }

  #cancel(s: OpenStream): void {
    if (s.finished) return;
    s.cancelled = true;
    this.#hold(s, false);
    s.input?.dispose();
    if (!s.pumping) this.#close(s);
  }

  /** Returns the generator (its `finally` blocks run), then answers the call. */
  #close(s: OpenStream): void {
    if (s.closing || s.finished) return;
    s.closing = true;
    const done = (status: number, value: unknown) =>
      this.#finish(
        s,
        s.failure !== undefined ? ResponseStatus.ERROR : status,
        s.failure !== undefined ? s.failure : value,
      );
    let r: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      r = s.gen!.return(undefined);
    } catch (err) {
      done(ResponseStatus.ERROR, err);
      return;
    }
    if (isThenable(r)) {
      (r as Promise<IteratorResult<unknown>>).then(
        (res) => done(ResponseStatus.OK, res.value),
        (err) => done(ResponseStatus.ERROR, err),
      );
    } else done(ResponseStatus.OK, (r as IteratorResult<unknown>).value);
  }

  #finish(s: OpenStream, status: number, value: unknown): void {
    if (s.finished) return;
    s.finished = true;
    this.#hold(s, false);
    this.#streams.delete(s.id);
    s.input?.dispose();
    this.#host.settled(s.id, status, value);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

function isGenerator(value: unknown): value is AnyGenerator {
  return typeof value === "object" && value !== null &&
    typeof (value as Generator).next === "function" &&
    typeof (value as Generator).return === "function" &&
    (typeof (value as Generator)[Symbol.iterator] === "function" ||
      typeof (value as AsyncGenerator)[Symbol.asyncIterator] === "function");
}
