/**
 * The inline lane (`inliner`): the host thread as one more lane, which runs tasks itself once the
 * pool is busy enough, or all of them in a pool without workers (`threads: 0`).
 *
 * Calls taken inline wait in this lane's queue and run in batches of at most `batchSize`, each
 * batch in a macrotask of its own: the host's event loop is never held for more than one batch
 * (plus whatever a synchronous task itself takes). The lane takes a call only while its next batch
 * has room, so no call waits more than one batch here; the rest go to the workers.
 *
 * An inline call behaves as a worker's call does: its argument and its result (or error) cross the
 * same codec, so the task gets a copy, values that cannot cross fail the same way, an error keeps
 * its class exactly as far as a worker's would (`registerError`), and `transfer` and `transfer()`
 * detach the sender's buffers. The task's context aborts on abort and timeout. What cannot apply
 * on the host: a synchronous task that ignores its signal cannot be stopped (there is no worker to
 * end), and a task that crashes the thread takes the host with it.
 *
 * @module
 */

import { ByteReader } from "../memory/byte_reader.ts";
import { ByteWriter } from "../memory/byte_writer.ts";
import { encodeMessage, readMessage } from "../memory/message_codec.ts";
import { detachMoved, type OutOfBand, outOfBand, takeItems } from "../memory/out_of_band.ts";
import { abortReason, type AbortSource, CallContext } from "../worker/task_context.ts";
import { TransferResult } from "../worker/transfer_result.ts";

/** The lane number of calls taken by the inline lane (worker lanes count from 0). */
export const INLINE_LANE = -2;

/** Where the inline lane stands among the workers. */
export type InlinePosition = "first" | "last";

/** The inline lane's settings, checked. */
export interface InlinerSettings {
  /**
   * `"first"`: past the threshold, calls go inline before any worker (while the next batch has
   * room). `"last"`: past the threshold, a call goes inline only when no worker is idle.
   */
  position: InlinePosition;
  /** Most calls run in one macrotask. */
  batchSize: number;
  /** Calls in flight in the pool that a call must find before it may go inline. */
  dispatchThreshold: number;
}

/** What the inline lane sees of a worker lane. */
export interface InlineWorkerLane {
  readonly open: boolean;
  readonly ready: boolean;
  readonly inFlight: number;
}

/** What the inline lane reports to its pool. */
export interface InlineEvents<C> {
  /** Call `id` (`call`) ended: `ok` with its result, or not with its error, both decoded. */
  inlineAnswer(id: number, call: C, ok: boolean, value: unknown): void;
}

interface Job<C> {
  id: number;
  call: C;
  task: number;
  bytes: Uint8Array;
  items: unknown[] | undefined;
  /** The controller behind the context's signal, made when the task first reads it. */
  aborted: AbortController | undefined;
  /** Set once the caller gave up on the call; `timedOut` says whether by its timeout. */
  gaveUp: boolean;
  timedOut: boolean;
  /** Set once it no longer reports (ended, or the pool stopped). */
  done: boolean;
}

/** The host's own lane. */
export class InlineLane<C> implements AbortSource {
  readonly #settings: InlinerSettings;
  readonly #fns: readonly ((arg: unknown, ctx?: CallContext) => unknown)[];
  readonly #events: InlineEvents<C>;
  readonly #macrotask: (task: () => void) => void;
  /** Everything goes inline: the pool has no workers. */
  readonly #alone: boolean;
  readonly #maxBytes: number;
  /** Calls waiting for their batch, from `#head` on. */
  #queue: Job<C>[] = [];
  #head = 0;
  /** Calls started and not yet ended (asynchronous tasks), by id. */
  readonly #running = new Map<number, Job<C>>();
  #scheduled = false;
  #stopped = false;
  readonly #writer = new ByteWriter();
  readonly #reader = new ByteReader();
  readonly #oob: OutOfBand = outOfBand();
  readonly #runBatch = () => this.#batch();

  /**
   * @param fns Each task's function, by task index.
   * @param alone True when the pool has no workers: every call goes inline.
   * @param maxBytes The largest encoded value, as for a worker (`payloadMaxByteLength`).
   */
  constructor(
    settings: InlinerSettings,
    fns: readonly ((arg: never) => unknown)[],
    events: InlineEvents<C>,
    options: { alone: boolean; maxBytes: number; macrotask: (task: () => void) => void },
  ) {
    this.#settings = settings;
    this.#fns = fns as unknown as ((arg: unknown, ctx?: CallContext) => unknown)[];
    this.#events = events;
    this.#alone = options.alone;
    this.#maxBytes = options.maxBytes;
    this.#macrotask = options.macrotask;
  }

  /** Calls taken inline and not yet ended (waiting or running). */
  get inFlight(): number {
    return this.#queue.length - this.#head + this.#running.size;
  }

  /**
   * Whether a new call goes inline.
   * @param live Calls in flight in the pool before this one.
   * @param keyed The call has an affinity key (keyed calls stay with the workers).
   */
  takes(live: number, keyed: boolean, lanes: readonly InlineWorkerLane[]): boolean {
    if (this.#alone) return true;
    const s = this.#settings;
    if (keyed || live < s.dispatchThreshold || this.#queue.length - this.#head >= s.batchSize) {
      return false;
    }
    if (s.position === "first") return true;
    for (const lane of lanes) if (lane.open && lane.ready && lane.inFlight === 0) return false;
    return true;
  }

  /** Takes call `id`, whose argument is encoded in `bytes` (and `items`), to run in a batch. */
  put(id: number, call: C, task: number, bytes: Uint8Array, items: unknown[] | undefined): void {
    this.#queue.push({
      id,
      call,
      task,
      bytes,
      items,
      aborted: undefined,
      gaveUp: false,
      timedOut: false,
      done: false,
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#macrotask(this.#runBatch);
    }
  }

  /**
   * The caller gave up on call `id` (its promise is settled): one still waiting never runs; a
   * running one has its context's signal aborted.
   */
  abort(id: number, timedOut: boolean): void {
    const running = this.#running.get(id);
    if (running !== undefined) {
      this.#giveUp(running, timedOut);
      return;
    }
    for (let i = this.#head; i < this.#queue.length; i++) {
      const job = this.#queue[i];
      if (job.id === id && !job.done) {
        job.done = true;
        this.#events.inlineAnswer(id, job.call, false, abortReason(timedOut));
        return;
      }
    }
  }

  /** The pool stopped: nothing waiting runs, nothing running reports, running tasks abort. */
  stop(): void {
    this.#stopped = true;
    for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i].done = true;
    this.#queue = [];
    this.#head = 0;
    for (const job of this.#running.values()) {
      job.done = true;
      this.#giveUp(job, false);
    }
    this.#running.clear();
  }

  /** AbortSource: true once the caller of running call `id` gave up on it. */
  isAborted(id: number): boolean {
    return this.#running.get(id)?.gaveUp ?? false;
  }

  /** AbortSource: the signal of running call `id` (one that never aborts once it ended). */
  signalFor(id: number): AbortSignal {
    const job = this.#running.get(id);
    if (job === undefined) return new AbortController().signal;
    job.aborted ??= new AbortController();
    if (job.gaveUp && !job.aborted.signal.aborted) job.aborted.abort(abortReason(job.timedOut));
    return job.aborted.signal;
  }

  #giveUp(job: Job<C>, timedOut: boolean): void {
    if (job.gaveUp) return;
    job.gaveUp = true;
    job.timedOut = timedOut;
    job.aborted?.abort(abortReason(timedOut));
  }

  /** Runs the next batch; schedules the one after it, if calls wait. */
  #batch(): void {
    this.#scheduled = false;
    if (this.#stopped) return;
    const queue = this.#queue;
    const end = Math.min(queue.length, this.#head + this.#settings.batchSize);
    for (; this.#head < end; this.#head++) {
      const job = queue[this.#head];
      if (!job.done) this.#run(job);
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (!this.#scheduled && !this.#stopped) {
      this.#scheduled = true;
      this.#macrotask(this.#runBatch);
    }
  }

  #run(job: Job<C>): void {
    let arg: unknown;
    try {
      arg = readMessage(
        this.#reader,
        job.bytes,
        new DataView(job.bytes.buffer, job.bytes.byteOffset),
        0,
        job.items,
      );
    } catch (err) {
      this.#finish(job, false, err);
      return;
    }
    const f = this.#fns[job.task];
    // Registered before it runs: the context and the signal find it (see `signalFor`).
    this.#running.set(job.id, job);
    let result: unknown;
    try {
      // As in the worker: only functions that declare a second parameter get a context.
      result = f.length >= 2 ? f(arg, new CallContext(job.id, this)) : f(arg);
    } catch (err) {
      this.#finish(job, false, err);
      return;
    }
    if (
      (typeof result === "object" || typeof result === "function") && result !== null &&
      typeof (result as PromiseLike<unknown>).then === "function"
    ) {
      (result as PromiseLike<unknown>).then(
        (value) => this.#finish(job, true, value),
        (err) => this.#finish(job, false, err),
      );
      return;
    }
    this.#finish(job, true, result);
  }

  /** Sends the outcome across the codec, as a worker's answer crosses it, and reports it. */
  #finish(job: Job<C>, ok: boolean, value: unknown): void {
    if (this.#running.get(job.id) === job) this.#running.delete(job.id);
    if (job.done) return;
    job.done = true;
    let out: unknown;
    try {
      out = this.#cross(value, ok ? "result" : "error");
    } catch (err) {
      // As in the worker: a result that cannot cross fails its call with that error; an error
      // that cannot cross is replaced by a plain Error with its message, which always can.
      out = ok ? err : this.#cross(new Error(String((value as Error)?.message ?? value)), "error");
      ok = false;
    }
    this.#events.inlineAnswer(job.id, job.call, ok, out);
  }

  /** `value` encoded and decoded again, with `transfer()`'s buffers moved. */
  #cross(value: unknown, root: string): unknown {
    const oob = this.#oob;
    oob.transfer = undefined;
    if (value instanceof TransferResult) {
      oob.transfer = value.list;
      value = value.value;
    }
    const w = this.#writer;
    try {
      encodeMessage(w, value, root, oob, this.#maxBytes);
    } catch (err) {
      oob.transfer = undefined;
      throw err;
    }
    detachMoved(oob);
    const items = takeItems(oob);
    return readMessage(this.#reader, w.bytes, w.view, 0, items);
  }
}
