/**
 * The worker loop: take requests, run tasks, write responses, and go idle when there is nothing
 * to do.
 *
 * Idle policy, cheapest wake-up first:
 * 1. spin on the bell for `spinMicroseconds` (the host's next batch often comes this soon);
 * 2. block in `Atomics.wait` for up to `parkMicroseconds` (zero CPU, fast wake-up);
 * 3. run a garbage collection if the runtime exposes one and work was done since the last (only
 *    now: a collection takes far longer than the gaps between the batches of a busy host);
 * 4. park in `Atomics.waitAsync` (zero CPU, and the worker's event loop runs, so timers, I/O and
 *    promises that earlier tasks started still make progress).
 *
 * While an async task is pending the loop never blocks: it goes straight to step 4, so the task's
 * own I/O and timers are not held up, and each completion writes its response when it settles.
 * A stream call whose window is full is not pending in that sense: its generator is suspended at a
 * `yield` until the host's credit comes through the mailbox, so while every pending call is such a
 * stream the loop goes idle through step 2 (without the spin: the credit comes at the reader's
 * pace), and the host's credit wakes a blocked thread, far cheaper than an event-loop wake-up.
 *
 * Why it stays one file (past 600 lines): serving, answering (with its backlog and the pending
 * pack of a stream's numbers, flushed ahead of any other answer so that order holds), the idle steps
 * and the held-stream check all read and write the same loop state (`#asyncPending`, `#backlog`,
 * `#itemsWaiting`, the wants-space flag, the ring cursors and the park state), and the
 * no-lost-wake-up argument in `#hasWork` needs all of them in view. Stream messages are taken in
 * the same drain pass; the stream logic itself is in `stream_runner.ts`. A split would pass that
 * state through calls on every request.
 *
 * @module
 */

import {
  CONTROL_BIT,
  OUT_OF_BAND_BIT,
  ResponseStatus,
  StreamControl,
  TASK_MASK,
  TIMED_BIT,
  WorkerState,
} from "../memory/layout.ts";
import { type DecodeTuning, PLAIN_DECODING, tuneDecoding } from "../memory/decode_tuning.ts";
import { StreamHead } from "../memory/stream_head.ts";
import { bytesPerNumber, NumberPacker, packStatus } from "../memory/number_pack.ts";
import {
  type OutOfBand,
  outOfBand,
  type OutOfBandPolicy,
  takeItems,
} from "../memory/out_of_band.ts";
import type { WorkerLink } from "../transport/link.ts";
import type { TaskEntry } from "./registry.ts";
import { TransferResult } from "./transfer_result.ts";
import { CallAborts } from "./call_aborts.ts";
import { CallContext } from "./task_context.ts";
import type { CallStamps } from "./call_stamps.ts";
import { type DataEnd, ItemsChannel } from "../transport/items_channel.ts";
import { type StreamCalls, type StreamCallsFactory, StreamRunner } from "./stream_runner.ts";

/** Idle tuning of a worker. */
export interface WorkerLoopOptions {
  /** Microseconds to spin before parking. */
  spinMicroseconds: number;
  /** Microseconds to block in `Atomics.wait` before parking asynchronously. */
  parkMicroseconds: number;
  /** A garbage collection to run when going idle, if any. */
  gc: (() => void) | undefined;
  /** When large answers go out of band. */
  outOfBand: OutOfBandPolicy;
  /** How the decoders go around the runtime's slow paths (see `Runtime`). Default: none. */
  decoding?: DecodeTuning;
  /** The data channel to the host, for out-of-band items. */
  data: DataEnd;
  /** Reports the heap in use to the host (`recycle.memoryBytes`), if it asks for it. */
  measure?: (() => void) | undefined;
  /** Where calls' start and end times go, when the pool keeps task timings. */
  stamps?: CallStamps;
  /** What runs stream calls (a process worker's relay forwards them); `StreamRunner` if unset. */
  streams?: StreamCallsFactory;
}

/** Calls served between two heap reports of a worker that does not go idle. */
const MEASURE_EVERY_CALLS = 256;
/** How each response's value is named in errors. */
const ROOTS: Record<number, string> = {
  [ResponseStatus.OK]: "result",
  [ResponseStatus.ERROR]: "error",
  [ResponseStatus.YIELD]: "item",
  [ResponseStatus.PROGRESS]: "progress",
};

const runStreams: StreamCallsFactory = (host, aborts, progress) =>
  new StreamRunner(host, aborts, progress);

interface Backlog {
  id: number;
  status: number;
  bytes: Uint8Array;
}

/** Runs the tasks that arrive on one link until the host stops it. */
export class WorkerLoop {
  readonly #link: WorkerLink;
  readonly #tasks: readonly (TaskEntry | Error)[];
  readonly #options: WorkerLoopOptions;
  readonly #onStop: () => void;
  #asyncPending = 0;
  #backlog: Backlog[] = [];
  #flushScheduled = false;
  #workedSinceGc = false;
  /** Calls served since the heap was last reported. */
  #unmeasured = 0;
  #stopped = false;
  /** Set while `run` is on the stack; `#runQueued` while a run waits in the microtask queue. */
  #running = false;
  #runQueued = false;
  #wantsSpace = false;
  /** The host's read count when held answers last failed to fit. */
  #backlogMark = -1;
  /** Out-of-band items that arrived from the host, by call id. */
  readonly #items: ItemsChannel;
  /** The bell value of the pending asynchronous wait, if any. */
  #parkedOn: number | undefined;
  /** Asynchronous waits started so far; only the latest one runs the loop when it ends. */
  #parks = 0;
  /** Set while the next request waits for its out-of-band items. */
  #itemsWaiting = false;
  /** Reused for every answer: the out-of-band items its encoding collects. */
  readonly #oob: OutOfBand;
  /** Numbers a synchronous generator yielded, not yet written: they go several to a slot. */
  readonly #pack = new NumberPacker();
  readonly #aborts: CallAborts;
  /** Generator tasks and calls with an input stream (see `stream_runner.ts`). */
  readonly #streams: StreamCalls;
  readonly #progress = (id: number, value: unknown) => {
    // An id is reused once its call has ended: a late report must not reach another call.
    if (this.#aborts.current !== id && !this.#aborts.running.has(id)) {
      throw new Error(`Cannot report progress: the call has ended, received ${typeof value}`);
    }
    this.#respond(id, ResponseStatus.PROGRESS, value);
  };
  readonly #run = () => this.run();
  readonly #flush = () => {
    this.#flushScheduled = false;
    this.#flushPack();
    this.#drainBacklog();
    this.#link.publish(false);
  };

  /**
   * @param link The worker's end of the link.
   * @param tasks Task table, indexed like the host's; an `Error` where a task was not found.
   * @param options Idle tuning.
   * @param onStop Called once when the host has asked the loop to stop.
   */
  constructor(
    link: WorkerLink,
    tasks: readonly (TaskEntry | Error)[],
    options: WorkerLoopOptions,
    onStop: () => void,
  ) {
    this.#link = link;
    this.#aborts = new CallAborts(link);
    this.#tasks = tasks;
    this.#options = options;
    this.#oob = outOfBand(options.outOfBand);
    tuneDecoding(options.decoding ?? PLAIN_DECODING);
    this.#items = new ItemsChannel(options.data);
    this.#onStop = onStop;
    this.#streams = (options.streams ?? runStreams)(
      {
        message: (id, status, value) => this.#respond(id, status, value),
        item: (id, value) => this.#item(id, value),
        publish: () => {
          this.#flushPack();
          this.#link.answered();
        },
        settled: (id, status, value) => this.#settled(id, status, value),
        held: () => this.#streamHeld(),
      },
      this.#aborts,
      this.#progress,
    );
  }

  /** Serves until idle, then parks; re-entered by the wake-up. */
  run(): void {
    this.#running = true;
    try {
      this.#loop();
    } finally {
      this.#running = false;
    }
  }

  /**
   * A stream filled its window outside `run` (an async generator, between microtasks): once
   * every pending call waits on the host alone, the loop runs to go idle the cheap way.
   */
  #streamHeld(): void {
    if (this.#running || this.#runQueued || !this.#onlyHeld()) return;
    this.#runQueued = true;
    queueMicrotask(this.#runHeld);
  }

  readonly #runHeld = () => {
    this.#runQueued = false;
    if (this.#onlyHeld()) this.run();
  };

  /** True when pending calls need the event loop: promises, or out-of-band items awaited. */
  #needsEventLoop(): boolean {
    return (this.#asyncPending > 0 && !this.#onlyHeld()) || this.#itemsWaiting;
  }

  /** True when every pending call is a stream held by its window (see the module doc). */
  #onlyHeld(): boolean {
    return this.#asyncPending === this.#streams.held();
  }

  #loop(): void {
    const link = this.#link;
    link.setState(WorkerState.RUNNING);
    for (;;) {
      if (link.stopping()) return this.#stop();
      this.#aborts.poll();
      const served = this.#serve();
      this.#flushPack();
      this.#drainBacklog();
      link.publish(served > 0);
      if (served > 0) {
        this.#workedSinceGc = true;
        if ((this.#unmeasured += served) >= MEASURE_EVERY_CALLS) this.#measure();
        if (this.#needsEventLoop()) break;
        continue;
      }
      // Pending promises and awaited messages need the event loop: never block it then.
      if (this.#needsEventLoop()) break;
      // Streams held by their windows wait for the reader, not for a next batch: no spin.
      if (this.#asyncPending === 0 && this.#spin()) continue;
      if (this.#block()) continue;
      if (this.#workedSinceGc && (this.#options.gc || this.#options.measure)) {
        this.#workedSinceGc = false;
        this.#options.gc?.();
        // After the collection, so garbage does not count towards the recycling limit.
        this.#measure();
        continue;
      }
      break;
    }
    this.#parkAsync();
  }

  #measure(): void {
    this.#unmeasured = 0;
    this.#options.measure?.();
  }

  /** True when an answer could be written now (nothing is waiting ahead of it). */
  #canAnswer(): boolean {
    return this.#backlog.length === 0 && this.#link.responses.hasSlot();
  }

  /** True when there is something to do now. Called last before parking. */
  #hasWork(): boolean {
    if (this.#link.requests.available() > 0 && !this.#itemsWaiting) {
      if (this.#canAnswer()) return true;
      // Calls wait but the answer slots are full: ask the host to ring once it has read answers,
      // then look again. The flag is stored before the re-read, and the host reads it after it
      // publishes its read count, so one of the two sees the other (no lost wake-up).
      this.#wantSpace(true);
      if (this.#canAnswer()) return true;
    }
    // Held answers are work only once the host has read something since they last failed to fit
    // (a slot may be free while payload space is not).
    return this.#link.stopping() || this.#link.aborts.pending() ||
      (this.#backlog.length > 0 && this.#link.responses.consumerRead() !== this.#backlogMark);
  }

  #spin(): boolean {
    const deadline = performance.now() + this.#options.spinMicroseconds / 1000;
    const requests = this.#link.requests;
    const bell = this.#link.bell();
    do {
      for (let i = 0; i < 64; i++) {
        if (this.#link.bell() !== bell) return true;
        if (requests.available() > 0 && !this.#itemsWaiting && this.#canAnswer()) return true;
      }
    } while (performance.now() < deadline);
    return false;
  }

  #block(): boolean {
    const micros = this.#options.parkMicroseconds;
    if (micros <= 0) return false;
    const link = this.#link;
    link.setState(WorkerState.PARKED);
    const bell = link.bell();
    if (!this.#hasWork()) link.waitBell(bell, micros / 1000);
    link.setState(WorkerState.RUNNING);
    return this.#hasWork();
  }

  #parkAsync(): void {
    if (this.#stopped) return;
    const link = this.#link;
    link.setState(WorkerState.PARKED);
    const bell = link.bell();
    if (this.#hasWork()) {
      queueMicrotask(this.#run);
      return;
    }
    // The loop also runs on messages (out-of-band items) and settled tasks, while its last
    // wait is still pending. One wait per bell value is enough: without this, every such run
    // would add a wait, and the next ring would wake each of them into a loop of its own.
    if (this.#parkedOn === bell) return;
    this.#parkedOn = bell;
    const generation = ++this.#parks;
    link.waitBellAsync(bell, () => {
      // A wait for an older bell value: the loop has parked again since, on a newer one.
      if (generation !== this.#parks) return;
      this.#parkedOn = undefined;
      this.run();
    });
  }

  /** A message from the host: the out-of-band items of call `id`. */
  onMessage(message: unknown): void {
    this.#items.add(message);
    if (this.#itemsWaiting) {
      this.#itemsWaiting = false;
      queueMicrotask(this.#run);
    }
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#link.setState(WorkerState.STOPPED);
    this.#onStop();
  }

  /** Takes every request published so far and starts its task. */
  #serve(): number {
    const requests = this.#link.requests;
    let served = 0;
    while (requests.available() > 0) {
      // Take no new call while answers cannot be written: an answer held only in this thread
      // would be lost if the worker died, and the host would have to fail a call that finished.
      if (!this.#canAnswer()) {
        this.#wantSpace(true);
        break;
      }
      requests.peek();
      const id = requests.id;
      let items: unknown[] | undefined;
      if ((requests.meta & OUT_OF_BAND_BIT) !== 0) {
        items = this.#items.take(id);
        // Posted before the call was published, so normally already queued; if the runtime has
        // not queued them yet, leave the call in its slot until the event loop delivers them.
        if (items === undefined) {
          this.#itemsWaiting = true;
          break;
        }
      }
      const meta = requests.meta;
      if ((meta & CONTROL_BIT) !== 0) {
        this.#control(id, meta & TASK_MASK, items);
        served++;
        continue;
      }
      const task = this.#tasks[meta & TASK_MASK];
      let arg: unknown;
      try {
        arg = requests.take(items);
      } catch (err) {
        const stamps = this.#options.stamps;
        if (stamps !== undefined) {
          // The call ran for no time: its entry must not show an older call's stamps.
          stamps.started(requests.consumed);
          stamps.ended(requests.consumed);
        }
        requests.consume();
        this.#respond(id, ResponseStatus.ERROR, err);
        served++;
        continue;
      }
      const seq = (requests.consumed - 1) | 0;
      // Stamped before the read count moves: a host that sees the call started finds its stamp.
      if ((meta & TIMED_BIT) !== 0) this.#link.stampStart(seq);
      // Publish the read count per request: the host counts a call as started from here.
      requests.consume();
      served++;
      // Only after the read count is published (see `HostLink.withdrawFrom`).
      if (this.#link.withdrawn(seq)) {
        this.#aborts.ended(id);
        this.#respond(id, ResponseStatus.WITHDRAWN, undefined);
        continue;
      }
      // Look for notices after publishing the read count: a host that posted one before it saw
      // the count move is seen here (see `CallAborts`), with this call counted as running.
      this.#aborts.current = id;
      this.#aborts.poll();
      if (this.#aborts.abandoned(id)) {
        this.#aborts.current = -1;
        this.#aborts.ended(id);
        this.#respond(id, ResponseStatus.SKIPPED, undefined);
      } else {
        this.#start(id, task, arg, seq);
        this.#aborts.current = -1;
      }
      // Answers go out in groups while a long batch is served (and large ones one by one), so
      // the host can drain in parallel.
      if (this.#link.responses.wantsPublish()) this.#link.publish(true);
    }
    return served;
  }

  #start(id: number, task: TaskEntry | Error | undefined, arg: unknown, seq: number): void {
    const stamps = this.#options.stamps;
    stamps?.started(seq);
    if (task === undefined || task instanceof Error) {
      const err = task ?? new RangeError(`Cannot run task: no task has this index`);
      stamps?.ended(seq);
      this.#respond(id, ResponseStatus.ERROR, err);
      return;
    }
    let result: unknown;
    const f = task.f as (arg: unknown, ctx?: CallContext) => unknown;
    if (arg instanceof StreamHead) {
      this.#asyncPending++;
      this.#aborts.running.add(id);
      this.#streams.start(id, f, arg);
      return;
    }
    this.#aborts.current = id;
    try {
      // A context costs an allocation: only functions that declare a second parameter get one.
      result = f.length >= 2 ? f(arg, new CallContext(id, this.#aborts, this.#progress)) : f(arg);
    } catch (err) {
      stamps?.ended(seq);
      this.#aborts.current = -1;
      this.#aborts.ended(id);
      this.#respond(id, ResponseStatus.ERROR, err);
      return;
    }
    this.#aborts.current = -1;
    if (
      (typeof result === "object" || typeof result === "function") && result !== null &&
      typeof (result as PromiseLike<unknown>).then === "function"
    ) {
      this.#asyncPending++;
      this.#aborts.running.add(id);
      (result as PromiseLike<unknown>).then(
        (value) => {
          stamps?.ended(seq);
          this.#settled(id, ResponseStatus.OK, value);
        },
        (err) => {
          stamps?.ended(seq);
          this.#settled(id, ResponseStatus.ERROR, err);
        },
      );
      return;
    }
    stamps?.ended(seq);
    this.#aborts.ended(id);
    this.#respond(id, ResponseStatus.OK, result);
  }

  #settled(id: number, status: number, value: unknown): void {
    this.#asyncPending--;
    this.#aborts.running.delete(id);
    this.#aborts.ended(id);
    this.#respond(id, status, value);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /**
   * A stream message from the host (`CONTROL_BIT`), about a call already running here: never
   * withdrawn or answered, so it is handled before the withdrawal check.
   */
  #control(id: number, kind: number, items: unknown[] | undefined): void {
    const requests = this.#link.requests;
    let value: unknown;
    try {
      value = requests.take(items);
    } catch (err) {
      // An input item that cannot be read fails the input, as a failing source would.
      value = err;
      kind = StreamControl.INPUT_ERROR;
    }
    requests.consume();
    this.#streams.control(id, kind, value);
  }

  /**
   * Writes one response, or keeps it in the backlog until the host frees space.
   * @returns The bytes of its encoded value.
   * @param now Publish at once (else with the next group, for the items of a synchronous pump).
   * @throws {TypeError | RangeError} For a stream message whose value cannot cross (an answer's
   *   failure is answered instead).
   */
  #respond(id: number, status: number, value: unknown, now = true): number {
    // Numbers packed earlier go first: the mailbox keeps every call's messages in order.
    if (this.#pack.count > 0) this.#flushPack();
    const responses = this.#link.responses;
    const root = ROOTS[status] ?? "value";
    const oob = this.#oob;
    oob.transfer = undefined;
    if (value instanceof TransferResult) {
      oob.transfer = value.list;
      value = value.value;
    }
    try {
      if (this.#backlog.length > 0) {
        const bytes = responses.encode(value, root, oob);
        this.#keep(id, this.#sendItems(id, status), bytes);
        return bytes.length;
      } else if (responses.put(id, status, value, root, oob)) {
        this.#sendItems(id, status);
        // Publish each answer at once: a host that is checking sees it now, a waiting host is
        // rung for it (once per wait, see `answered`), and an answer written just before the
        // worker dies is not lost. Items of a synchronous generator go in groups (`item`).
        if (now || responses.wantsPublish()) this.#link.answered();
        return responses.lastBytes;
      } else {
        const bytes = responses.snapshot();
        this.#keep(id, this.#sendItems(id, status), bytes);
        return bytes.length;
      }
    } catch (err) {
      if (status !== ResponseStatus.OK && status !== ResponseStatus.ERROR) throw err;
      // The value cannot cross (or is too large). A result fails its call with that error; an
      // error that cannot cross is replaced by a plain Error with its message, which always can.
      const next = status === ResponseStatus.OK
        ? err
        : new Error(String((value as Error)?.message ?? value));
      return this.#respond(id, ResponseStatus.ERROR, next);
    }
  }

  /**
   * Writes a value a synchronous generator yielded, published with the next group of messages: a
   * number joins the numbers packed before it (`number_pack.ts`), a full pack is written at once.
   * @returns Its bytes, as the window counts them.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  #item(id: number, value: unknown): number {
    const status = packStatus(value);
    if (status === 0) return this.#respond(id, ResponseStatus.YIELD, value, false);
    const pack = this.#pack;
    if (!pack.add(id, status, value as number)) {
      this.#flushPack();
      pack.add(id, status, value as number);
    }
    if (pack.full) this.#flushPack();
    return bytesPerNumber(status);
  }

  /** Writes the packed numbers waiting, if any (or keeps them in the backlog, in order). */
  #flushPack(): void {
    const pack = this.#pack;
    if (pack.count === 0) return;
    const responses = this.#link.responses;
    const length = pack.length;
    if (
      this.#backlog.length > 0 || !responses.putEncoded(pack.id, pack.status, pack.bytes, length)
    ) {
      this.#keep(pack.id, pack.status, pack.bytes.slice(0, length));
    } else if (responses.wantsPublish()) this.#link.answered();
    pack.clear();
  }

  /**
   * Posts the answer's out-of-band items, if it has any, before the answer is published.
   * @returns `status`, with the out-of-band bit when items were sent.
   */
  #sendItems(id: number, status: number): number {
    const sent = takeItems(this.#oob);
    if (sent === undefined) return status;
    this.#items.send(id, sent);
    return status | OUT_OF_BAND_BIT;
  }

  #keep(id: number, status: number, bytes: Uint8Array): void {
    this.#backlog.push({ id, status, bytes });
    this.#wantSpace(true);
  }

  /** Asks the host to ring after it reads answers (only while space is short). */
  #wantSpace(wants: boolean): void {
    if (this.#wantsSpace === wants) return;
    this.#wantsSpace = wants;
    this.#link.setWantsSpace(wants);
  }

  #drainBacklog(): void {
    const backlog = this.#backlog;
    if (backlog.length === 0) {
      if (this.#wantsSpace && this.#link.responses.hasSlot()) this.#wantSpace(false);
      return;
    }
    const responses = this.#link.responses;
    this.#backlogMark = responses.consumerRead();
    let i = 0;
    while (
      i < backlog.length && responses.putEncoded(backlog[i].id, backlog[i].status, backlog[i].bytes)
    ) {
      i++;
    }
    backlog.splice(0, i);
    if (backlog.length === 0) this.#wantSpace(false);
  }
}
