/**
 * The heart of a pool on the host: takes calls, writes them to lanes, batches the publication of
 * everything written in one tick into one wake-up per worker, queues what finds no space, and
 * settles each call exactly once (see `call_table.ts`). Timeouts, aborts and worker deaths are
 * handled here too, and so are work stealing (`#steal`, `#withdrawnAnswer`) and the overrun check
 * of timed-out calls. Starting and replacing workers is in `workers.ts`, the queue in
 * `call_queue.ts`, the time slice in `host_slice.ts`.
 *
 * Why it stays one file (about 900 lines, with the stream, inline-lane, elastic, recycling and
 * affinity hooks): every path here settles, requeues or retires calls through the same private
 * counters (`#live`, `#completed`, `#failed`) and the same queue, so each path that settles a call
 * can be read and checked against the others in one place; each hook is a few lines that call
 * into its own file (`inline_lane.ts`, `elastic.ts`, `recycle.ts`, `affinity.ts`,
 * `stream_calls.ts`). The seam to split along is settlement itself: once `call_table.ts` owns the
 * counters, stealing and timeouts can move to files of their own.
 *
 * @module
 */

import { PoolClosedError, QueueFullError, TimeoutError, WorkerCrashedError } from "../errors.ts";
import { tuneDecoding } from "../memory/decode_tuning.ts";
import { ByteWriter } from "../memory/byte_writer.ts";
import {
  CONTROL_BIT,
  isAnswer,
  OUT_OF_BAND_BIT,
  ResponseStatus,
  TIMED_BIT,
} from "../memory/layout.ts";
import { encodeMessage } from "../memory/message_codec.ts";
import type { PackedNumbers } from "../memory/number_pack.ts";
import type { StreamWindows } from "../memory/stream_head.ts";
import { DEFAULT_PAYLOAD_MAX_BYTES } from "../memory/region.ts";
import {
  canResend,
  detachMoved,
  type OutOfBand,
  outOfBand,
  takeItems,
} from "../memory/out_of_band.ts";
import { type CallOptions, checkCallOptions } from "./call_options.ts";
import { Affinity } from "./affinity.ts";
import { type Balancer, BALANCERS } from "./balancer.ts";
import { CallQueue } from "./call_queue.ts";
import { Elastic } from "./elastic.ts";
import { Recycle } from "./recycle.ts";
import { INLINE_LANE, InlineLane } from "./inline_lane.ts";
import {
  blockUntil,
  captureOutcome,
  checkSyncCall,
  type SyncCallOptions,
  syncLane,
} from "./call_sync.ts";
import { inSlice, later, SLICE_CHECK_EVERY } from "./host_slice.ts";
import {
  CallTable,
  isSettled,
  newCall,
  type PendingCall,
  settleCall,
  type StreamSink,
} from "./call_table.ts";
import { ControlQueue } from "./control_queue.ts";
import type { Lane, LaneEvents } from "./lane.ts";
import type { PoolStats } from "./pool_stats.ts";
import type { TaskTimings } from "./task_stats.ts";
import { type DispatcherConfig, Workers } from "./workers.ts";

/**
 * Milliseconds a lane's worker must go without taking a call, while it runs (or starts) and calls
 * wait for it, before an idle lane steals them: long enough that a worker descheduled for a
 * moment on a loaded machine keeps its calls, short beside the tasks worth stealing from.
 */
export const STEAL_AFTER_MS = 20;

export type { DispatcherConfig, PoolStats };

/** Routes calls to workers and settles them. */
export class Dispatcher implements LaneEvents {
  readonly #table = new CallTable();
  readonly #workers: Workers;
  readonly #config: DispatcherConfig;
  readonly #queue = new CallQueue();
  #next = 0;
  #dirty: Lane[] = [];
  #flushScheduled = false;
  #closed: Error | undefined;
  #stopping: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  /** Calls not yet settled. */
  #live = 0;
  #completed = 0;
  /** Batches published by workers that have since been replaced. */
  #batchesBefore = 0;
  #failed = 0;
  readonly #scratch = new ByteWriter();
  /** The largest message a lane takes: a queued call is refused at once if it is larger. */
  readonly #maxBytes: number;
  /** Reused for every call: the out-of-band items its encoding collects. */
  readonly #oob: OutOfBand;
  readonly #flush = () => this.#publishDirty();
  /** Set while the queue pump goes on in a later macrotask (the host's slice was spent). */
  #pumpLater = false;
  readonly #resumePump = () => {
    this.#pumpLater = false;
    this.#pump();
  };
  readonly #balancer: Balancer;
  /** Run-time and wait-time distributions per task, if the pool keeps them. */
  readonly #timings: TaskTimings | undefined;
  /** The lanes that keyed calls are pinned to. */
  readonly #affinity = new Affinity<Lane>();
  /** Growth and shrinking of an elastic pool. */
  readonly #elastic: Elastic<Lane> | undefined;
  /** Replacement of workers past the `recycle` limits. */
  readonly #recycle: Recycle<Lane> | undefined;
  /** The host's own lane (`inliner`). */
  readonly #inline: InlineLane<PendingCall> | undefined;
  /** Stream messages to workers that found no request slot yet. */
  readonly #controls = new ControlQueue();
  /** Timer of the next look for a stuck lane to steal from, if one is due. */
  #stealTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #stealCheck = () => {
    this.#stealTimer = undefined;
    this.#trySteal();
  };

  /** Every call is stamped when it starts (`timeoutsAsAborts`: any call may time out). */
  readonly #stampAll: boolean;

  constructor(config: DispatcherConfig) {
    this.#config = config;
    this.#stampAll = config.timeoutsAsAborts === true;
    this.#balancer = BALANCERS[config.balancer];
    this.#timings = config.timings;
    this.#oob = outOfBand(config.runtime.outOfBand);
    tuneDecoding(config.runtime.decoding);
    this.#maxBytes = config.payload.payloadMaxByteLength ?? DEFAULT_PAYLOAD_MAX_BYTES;
    this.#workers = new Workers(config, this);
    this.#inline = config.inline === undefined
      ? undefined
      : new InlineLane(config.inline.settings, config.inline.fns, this, {
        alone: config.threads === 0 && config.elastic === undefined,
        maxBytes: this.#maxBytes,
        macrotask: config.runtime.macrotask,
      });
    const workers = this.#workers;
    this.#elastic = config.elastic === undefined ? undefined : new Elastic(config.elastic, {
      lanes: workers.lanes,
      queued: () => this.#queue.size,
      grow: () => {
        const lane = workers.grow();
        // Queued calls may go to the new lane (after the current pass over the queue).
        if (lane !== undefined) queueMicrotask(() => this.lanesChanged());
        return lane;
      },
      retire: (lane) => this.#retireLane(lane),
      timer: config.runtime.backgroundTimer,
    });
    this.#recycle = config.recycle === undefined ? undefined : new Recycle(config.recycle, {
      replace: (lane) => workers.replace(lane),
      replacementReady: (lane) => workers.replacementReady(lane),
      retire: (lane) => this.#retireLane(lane),
    });
  }

  /** Ends the worker of `lane`, which has nothing in flight, without a replacement in its place. */
  #retireLane(lane: Lane): void {
    this.#batchesBefore += lane.batches;
    this.#affinity.forget(lane);
    this.#workers.retire(lane);
  }

  /** Counters of the pool. */
  stats(): PoolStats {
    const queued = this.#queue.size;
    return {
      threads: this.#workers.lanes.filter((lane) => lane.alive).length,
      queued,
      running: this.#live - queued,
      completed: this.#completed,
      failed: this.#failed,
      respawns: this.#workers.respawns,
      recycled: this.#recycle?.recycled ?? 0,
      lostWakeups: this.#workers.lanes.reduce((sum, lane) => sum + lane.lostWakeups, 0),
      batches: this.#batchesBefore + this.#workers.lanes.reduce((sum, l) => sum + l.batches, 0),
      tasks: this.#timings?.snapshot() ?? {},
    };
  }

  /** Why the pool takes no more calls (closed, shut down or broken), or undefined. */
  get closedBy(): Error | undefined {
    return this.#closed;
  }

  /**
   * True when a call must run on a worker, never inline: it has an affinity key, it is pinned to
   * a lane (a broadcast's), or its task was imported by the workers only (`importTask`).
   */
  #staysOff(call: PendingCall, task: number): boolean {
    return call.key !== undefined || call.pin >= 0 || this.#config.tasks[task].export !== undefined;
  }

  /** Indices of the lanes whose workers are alive (starting or ready), in order. */
  liveLanes(): number[] {
    const out: number[] = [];
    for (const lane of this.#workers.lanes) {
      if (lane.alive && !lane.retiring) out.push(lane.index);
    }
    return out;
  }

  /**
   * Calls task number `task` with `arg`. Promise arguments are awaited first. A call with a
   * `sink` sends its stream messages there; with `head` too, it is a stream call (see
   * `stream_head.ts`).
   * @param pin The lane the call must run on (`broadcast.ts`), or -1 for the balancer's choice.
   * Pinned calls are never moved elsewhere: work stealing leaves them in place; when that lane's
   * worker dies before starting one, its replacement runs it.
   * @returns The task's result.
   */
  call(
    task: number,
    arg: unknown,
    options?: CallOptions,
    sink?: StreamSink,
    head?: StreamWindows,
    pin = -1,
  ): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (options !== undefined) {
      try {
        checkCallOptions(options);
      } catch (err) {
        return Promise.reject(err);
      }
      if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    }
    if (
      (typeof arg === "object" || typeof arg === "function") && arg !== null &&
      typeof (arg as PromiseLike<unknown>).then === "function"
    ) {
      return Promise.resolve(arg).then((value) => this.call(task, value, options, sink, head, pin));
    }
    if (
      sink !== undefined && this.#workers.lanes.length === 0 && this.#config.elastic === undefined
    ) {
      return Promise.reject(
        new RangeError(
          "Cannot call task: streams, input streams, channels and progress need a worker thread, received a pool with threads: 0",
        ),
      );
    }
    const call = newCall(task, options?.timeout ?? this.#config.timeouts[task], options?.signal);
    call.sink = sink;
    call.pin = pin;
    if (this.#timings !== undefined) call.calledAt = performance.now();
    const id = this.#table.add(call);
    sink?.attach(id, call);
    const oob = this.#oob;
    oob.transfer = options?.transfer !== undefined ? new Set(options.transfer) : undefined;
    call.key = options?.key;
    let waits = false;
    try {
      // Stream calls need a worker: they never run on the host's own lane.
      const inline = head === undefined && sink === undefined && this.#inline !== undefined &&
        this.#inline.takes(this.#live, this.#staysOff(call, task), this.#workers.lanes);
      const lane = inline || this.#queue.size > 0 ? undefined : this.#pickLane(call.key, pin);
      // The call waits behind others (or in the host queue): an elastic pool may grow.
      waits = !inline && (lane === undefined || lane.inFlight > 0);
      if (lane !== undefined && head === undefined) {
        const seq = lane.nextSeq;
        if (lane.put(id, call.timeout > 0 || this.#stampAll ? task | TIMED_BIT : task, arg, oob)) {
          call.items = this.#takeItems();
          if (call.items !== undefined) lane.send(id, call.items);
          this.#dispatched(id, call, lane, seq);
          // Long batches go out in groups, so the worker starts while the host still writes.
          if (lane.link.requests.wantsPublish()) lane.publishEarly();
        } else {
          const bytes = lane.snapshot();
          call.items = this.#takeItems();
          this.#enqueue(id, call, bytes);
        }
      } else {
        encodeMessage(this.#scratch, arg, "arg", oob, this.#maxBytes, head);
        call.items = this.#takeItems();
        const bytes = this.#scratch.bytes.subarray(0, this.#scratch.length);
        if (inline) this.#putInline(id, call, bytes.slice());
        else if (lane === undefined || !this.#place(lane, id, call, bytes)) {
          this.#enqueue(id, call, bytes.slice());
        }
      }
    } catch (err) {
      // The argument cannot cross, or the queue is full: this call fails before dispatch.
      takeItems(oob);
      this.#table.take(id);
      return Promise.reject(err);
    }
    this.#live++;
    if (waits && this.#elastic !== undefined) this.#elastic.waiting();
    if (call.signal !== undefined) {
      call.onAbort = () => this.#aborted(id, call);
      call.signal.addEventListener("abort", call.onAbort, { once: true });
    }
    return call.promise;
  }

  /**
   * Calls task number `task` and blocks this thread until it returns (see `call_sync.ts`): the
   * call is written to the least busy ready lane with room and published at once, jumping the
   * host queue; its clock starts now.
   * @returns The task's result.
   * @throws The task's error, `TimeoutError`, the pool's closing error, or an `Error` when no
   * worker is ready or has room; `TypeError`s of {@linkcode checkSyncCall}.
   */
  callSync(task: number, arg: unknown, options?: SyncCallOptions): unknown {
    if (this.#closed) throw this.#closed;
    checkSyncCall(arg, options);
    const lane = syncLane(this.#workers.lanes);
    const timeout = options?.timeout ?? this.#config.timeouts[task];
    const call = newCall(task, timeout, undefined);
    const outcome = captureOutcome(call);
    if (this.#timings !== undefined) call.calledAt = performance.now();
    const id = this.#table.add(call);
    const oob = this.#oob;
    oob.transfer = undefined;
    const seq = lane.nextSeq;
    try {
      if (!lane.put(id, timeout > 0 ? task | TIMED_BIT : task, arg, oob)) {
        throw new Error(
          `Cannot call task synchronously: the worker's payload buffer has no room for the argument now, received ${lane.snapshot().length} bytes`,
        );
      }
    } catch (err) {
      takeItems(oob);
      this.#table.take(id);
      throw err;
    }
    call.items = this.#takeItems();
    if (call.items !== undefined) lane.send(id, call.items);
    call.lane = lane.index;
    call.seq = seq;
    this.#live++;
    lane.publish();
    const deadline = timeout > 0 ? performance.now() + timeout : Infinity;
    if (!blockUntil(lane, () => outcome.settled, deadline)) this.#timedOut(id, call);
    return outcome.take(lane.index);
  }

  /**
   * Stops taking calls, lets queued and running calls finish, then ends the workers. With a
   * timeout, what has not finished by then is rejected and the workers are ended anyway.
   */
  close(timeout?: number): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed ??= new PoolClosedError("Cannot call task: the pool is closed");
    const drained = new Promise<void>((resolve) => {
      if (this.#live === 0) resolve();
      else this.#onIdle = resolve;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = timeout === undefined ? drained : Promise.race([
      drained,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout))),
    ]);
    this.#closing = limit.then(() => {
      clearTimeout(timer);
      return this.shutdown();
    });
    return this.#closing;
  }

  /** Rejects every pending call, stops the workers, and resolves once they are gone. */
  shutdown(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.broken(
      new PoolClosedError("Cannot finish call: the pool was shut down while the call was pending"),
    );
    this.#closed = new PoolClosedError("Cannot call task: the pool is shut down");
    this.#stopping = this.#workers.stopAll();
    return this.#stopping;
  }

  /** The host runs call `id` itself (see `inline_lane.ts`); its clock starts now. */
  #putInline(id: number, call: PendingCall, bytes: Uint8Array): void {
    call.lane = INLINE_LANE;
    this.#inline!.put(id, call, call.task, bytes, call.items);
    if (call.timeout > 0) this.#startClock(id, call);
  }

  /** InlineEvents: the host's own run of call `id` ended. */
  inlineAnswer(id: number, call: PendingCall, ok: boolean, value: unknown): void {
    if (this.#table.get(id) === call) this.#end(id, ok, value);
  }

  /** LaneEvents: the worker answered call `id`. */
  answer(lane: Lane, id: number, status: number, value: unknown, bytes: number): void {
    if (!isAnswer(status)) {
      // A stream message: the call goes on.
      const call = this.#table.get(id);
      if (call !== undefined && !call.ended && call.lane === lane.index) {
        call.sink?.message(status, value, bytes);
      }
      return;
    }
    if (status === ResponseStatus.WITHDRAWN) {
      this.#withdrawnAnswer(lane, id);
      return;
    }
    const call = this.#table.get(id);
    if (call === undefined || call.ended || call.lane !== lane.index) return;
    if (status === ResponseStatus.SKIPPED) {
      this.#retire(id, call, lane);
      return;
    }
    if (lane.stamps !== undefined) {
      this.#timings!.record(lane.stamps, call.task, call.seq, call.calledAt);
    }
    if (!isSettled(call)) this.#settle(call, status === ResponseStatus.OK, value);
    this.#retire(id, call, lane);
    this.#recycle?.answered(lane);
  }

  /** LaneEvents: a packed slot of numbers for stream call `id` (its items, all at once). */
  numbers(lane: Lane, id: number, numbers: PackedNumbers): void {
    const call = this.#table.get(id);
    if (call !== undefined && !call.ended && call.lane === lane.index) call.sink?.numbers(numbers);
  }

  /** LaneEvents: `lane` has nothing in flight: a stuck lane's waiting calls may move to it. */
  idle(lane: Lane): void {
    if (this.#workers.lanes.length > 1) this.#trySteal();
    this.#recycle?.idle(lane);
    if (lane.alive) this.#elastic?.idle(lane);
  }

  /**
   * Work stealing: while a lane is idle, calls waiting in a lane whose worker has taken nothing
   * for `STEAL_AFTER_MS` (it runs a long task, or is still starting) are withdrawn from it and sent again, to lanes
   * the balancer picks; the stuck lane takes no calls until the worker has answered each
   * withdrawn one `WITHDRAWN`. A lane that is not stuck long enough yet is looked at again when
   * it would be.
   */
  #trySteal(): void {
    if (this.#closed !== undefined && this.#stopping !== undefined) return;
    const lanes = this.#workers.lanes;
    let idle = false;
    for (const lane of lanes) if (lane.ready && lane.inFlight === 0 && lane.open) idle = true;
    if (!idle) return;
    const now = performance.now();
    let wait = Infinity;
    for (const lane of lanes) {
      if (!lane.alive || lane.withdrawing || lane.unstarted <= 0) continue;
      const stalled = lane.stalledFor(now);
      if (stalled >= STEAL_AFTER_MS) this.#steal(lane);
      else if (stalled > 0) wait = Math.min(wait, STEAL_AFTER_MS - stalled);
      else wait = Math.min(wait, STEAL_AFTER_MS);
    }
    if (wait !== Infinity && this.#stealTimer === undefined) {
      this.#stealTimer = setTimeout(this.#stealCheck, Math.ceil(wait));
    }
  }

  /** Withdraws the calls waiting in `lane` that can be sent again, and sends them elsewhere. */
  #steal(lane: Lane): void {
    const from = lane.link.started();
    const waiting = this.#table.ids((call) =>
      call.lane === lane.index && !call.ended && ((call.seq - from) | 0) >= 0
    ).map((id) => ({ id, call: this.#table.get(id)! }));
    waiting.sort((a, b) => (a.call.seq - b.call.seq) | 0);
    // The withdrawn calls are the last ones written: start after any that cannot be sent again
    // (their moved buffers or large copies went to this worker's channel) or must run here
    // (keyed calls stay with the worker their key is pinned to, a broadcast's with its lane).
    let first = 0;
    for (let k = 0; k < waiting.length; k++) {
      const call = waiting[k].call;
      const stays = call.key !== undefined || call.pin >= 0;
      if (!isSettled(call) && (!canResend(call.items) || stays)) first = k + 1;
    }
    const withdrawn = waiting.slice(first);
    if (!withdrawn.some((w) => !isSettled(w.call))) return;
    const fence = withdrawn[0].call.seq;
    const read = lane.withdraw(fence);
    const salvaged = new Map<number, Uint8Array>();
    for (const message of lane.salvage(fence)) salvaged.set(message.id, message.bytes);
    const moved: { id: number; call: PendingCall }[] = [];
    for (const { id, call } of withdrawn) {
      // A settled call is skipped or withdrawn by the worker, and retired on its answer.
      if (isSettled(call)) continue;
      call.bytes = salvaged.get(id);
      // Taken before the fence went up: it runs there, or comes back `WITHDRAWN` to be resent.
      if (((call.seq - read) | 0) < 0) continue;
      call.lane = -1;
      moved.push({ id, call });
    }
    lane.withdrawn(moved.length);
    this.#requeue(moved);
  }

  /** A withdrawn call came back from `lane` unrun. */
  #withdrawnAnswer(lane: Lane, id: number): void {
    const call = this.#table.get(id);
    if (call !== undefined && call.lane === lane.index && !call.ended) {
      // On this lane still: settled before it was withdrawn, or taken by the worker as the fence
      // went up (then it was not sent elsewhere: send it now).
      if (isSettled(call) || call.bytes === undefined) this.#retire(id, call, lane);
      else {
        call.lane = -1;
        this.#requeue([{ id, call }]);
      }
      return;
    }
    // A call sent elsewhere: once the last one is back, this lane takes calls again.
    if (lane.withdrawnAnswered()) this.#pump();
  }

  /** Puts calls in front of the host queue, in the order given, and sends what fits. */
  #requeue(calls: { id: number; call: PendingCall }[]): void {
    if (calls.length === 0) return;
    this.#queue.pushFront(calls);
    for (const lane of this.#workers.lanes) lane.wantSpace(true);
    this.#pump();
  }

  /** LaneEvents: space may have been freed on `lane`: move queued calls out. */
  space(lane: Lane): void {
    // Stream messages first: they concern calls that already run.
    if (this.#controls.flush(lane)) this.#markDirty(lane);
    this.#pump();
  }

  /**
   * Sends a stream message (`StreamControl` kind `kind`) to the worker running call `id`; nothing
   * when the call has ended or has not reached a worker.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  control(id: number, call: PendingCall, kind: number, value: unknown): void {
    if (this.#table.get(id) !== call || call.ended || call.lane === -1) return;
    const lane = this.#workers.lanes[call.lane];
    if (!lane.alive) return;
    const oob = this.#oob;
    oob.transfer = undefined;
    try {
      this.#controls.write(lane, id, CONTROL_BIT | kind, value, oob, () => this.#takeItems());
    } finally {
      takeItems(oob);
    }
    this.#markDirty(lane);
  }

  /** Reads the answers and stream messages that call `id`'s worker has published by now. */
  poll(id: number, call: PendingCall): void {
    if (this.#table.get(id) !== call || call.ended || call.lane < 0) return;
    this.#workers.lanes[call.lane].poll();
  }

  /**
   * Settles call `id` now, if it is not settled yet, and tells its worker to give up on it (a
   * stream whose caller stopped reading, a failed input): the task's signal aborts and a
   * generator is returned. The call ends (`StreamSink.ended`) once its worker has ended it.
   */
  giveUp(id: number, call: PendingCall, ok: boolean, value: unknown): void {
    this.#abandon(id, call, ok, value);
  }

  /** LaneEvents: call `id` ended and its abort notice was read: its id may be reused. */
  release(id: number): void {
    if (this.#table.get(id)?.ended) this.#table.take(id);
  }

  /** Workers: a worker died (or was killed); `started` tells which of its calls had begun. */
  laneDied(lane: Lane, reason: Error): void {
    this.#batchesBefore += lane.batches;
    this.#affinity.forget(lane);
    this.#controls.drop(lane);
    const salvaged = new Map<number, Uint8Array>();
    for (const message of lane.salvage()) salvaged.set(message.id, message.bytes);
    const requeue: { id: number; call: PendingCall; bytes: Uint8Array }[] = [];
    for (const id of this.#table.ids((call) => call.lane === lane.index && !call.ended)) {
      const call = this.#table.get(id)!;
      const bytes = salvaged.get(id);
      // A call whose moved buffers or copies went to the dead worker cannot be sent again: it
      // fails like a started call.
      if (bytes !== undefined && !isSettled(call) && canResend(call.items)) {
        clearTimeout(call.timer);
        call.timer = undefined;
        call.notice = -1;
        requeue.push({ id, call, bytes });
      } else if (bytes !== undefined && !isSettled(call)) {
        const lost = new WorkerCrashedError(
          `Cannot send call again: worker ${lane.index} died before it started the call, and the buffers the call moved (or large copies) went with it`,
          { cause: reason },
        );
        this.#end(id, false, lost);
      } else {
        this.#end(id, false, reason);
      }
    }
    // Calls the dead worker never took go first, in the order they were made.
    requeue.sort((a, b) => (a.call.seq - b.call.seq) | 0);
    this.#queue.pushFront(requeue);
    for (const r of requeue) {
      r.call.lane = -1;
      r.call.bytes = r.bytes;
    }
  }

  /** Workers: the pool cannot run calls any more; reject everything with `reason`. */
  broken(reason: Error): void {
    this.#closed = reason;
    this.#elastic?.stop();
    this.#inline?.stop();
    clearTimeout(this.#stealTimer);
    this.#stealTimer = undefined;
    for (const id of this.#table.ids(() => true)) this.#end(id, false, reason);
    this.#queue.clear();
  }

  /** Workers: lanes changed (a worker was replaced): queued calls may go out. */
  lanesChanged(): void {
    if (this.#queue.size > 0) {
      for (const lane of this.#workers.lanes) lane.wantSpace(true);
      this.#pump();
    }
  }

  /** The items the last encoding collected, moved buffers detached from the caller now. */
  #takeItems(): unknown[] | undefined {
    const oob = this.#oob;
    // Most calls move nothing and carry nothing beside the mailbox: no calls, nothing to reset.
    if (oob.transfer === undefined && oob.items.length === 0) return undefined;
    detachMoved(oob);
    return takeItems(oob);
  }

  /**
   * The lane for a call: the one its `key` is pinned to (undefined while that one has no space:
   * the call waits for it), else the balancer's pick, to which the key is then pinned. A call
   * pinned to lane `pin` (a broadcast's) goes only there, and while that lane has no space it
   * holds the calls queued behind it: the queue keeps its order.
   */
  #pickLane(key?: string | number, pin = -1): Lane | undefined {
    const pinned = pin >= 0 ? this.#workers.lanes[pin] : undefined;
    // A lane that left the pool (shrunk, or retiring for a recycled worker) no longer holds its
    // pinned calls: they go where the balancer sends them.
    if (pinned !== undefined && pinned.alive && !pinned.retiring) {
      return pinned.open ? pinned : undefined;
    }
    if (key !== undefined) {
      const pinned = this.#affinity.laneOf(key);
      if (pinned !== undefined) return pinned.open ? pinned : undefined;
    }
    const lanes = this.#workers.lanes;
    const i = lanes.length === 1 ? (lanes[0].open ? 0 : -1) : this.#balancer(lanes, this.#next);
    if (i === -1) return undefined;
    this.#next = i + 1 === lanes.length ? 0 : i + 1;
    if (key !== undefined) this.#affinity.pin(key, lanes[i]);
    return lanes[i];
  }

  #dispatched(id: number, call: PendingCall, lane: Lane, seq: number): void {
    call.lane = lane.index;
    call.seq = seq;
    call.bytes = undefined;
    // A call withdrawn from a stuck lane keeps the clock it had there.
    if (call.timeout > 0 && call.timer === undefined) {
      // The clock runs only while a ready worker has the call: a worker still importing its
      // modules starts the clocks of the calls written to it once it is ready (`laneReady`).
      if (lane.ready) this.#startClock(id, call);
      else lane.unclocked.push(id);
    }
    this.#markDirty(lane);
  }

  #startClock(id: number, call: PendingCall): void {
    call.timer = setTimeout(() => this.#timedOut(id, call), call.timeout);
  }

  /** Workers: the worker of `lane` is ready: the clocks of the calls written to it start now. */
  laneReady(lane: Lane): void {
    for (const id of lane.unclocked.splice(0)) {
      const call = this.#table.get(id);
      if (
        call !== undefined && call.lane === lane.index && !call.ended && !isSettled(call) &&
        call.timer === undefined && call.timeout > 0
      ) {
        this.#startClock(id, call);
      }
    }
    this.#elastic?.ready(lane);
    this.#recycle?.ready(lane);
    // Calls that wait in other lanes may move to this one.
    if (lane.inFlight === 0) this.idle(lane);
  }

  #markDirty(lane: Lane): void {
    if (lane.dirty) return;
    lane.dirty = true;
    this.#dirty.push(lane);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /** One publication and at most one wake-up per worker for everything written this tick. */
  #publishDirty(): void {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    for (let i = 0; i < dirty.length; i++) {
      dirty[i].dirty = false;
      if (dirty[i].alive) dirty[i].publish();
    }
    dirty.length = 0;
  }

  #enqueue(id: number, call: PendingCall, bytes: Uint8Array): void {
    const queued = this.#queue.size;
    if (queued >= this.#config.maxQueue) {
      throw new QueueFullError(
        `Cannot queue call: ${queued} calls already wait, the pool's maxQueue, received one more`,
      );
    }
    call.bytes = bytes;
    this.#queue.push(id, call);
    for (const lane of this.#workers.lanes) lane.wantSpace(true);
  }

  /** Moves queued calls, in order, into lanes with space. */
  #pump(): void {
    if (this.#pumpLater) return;
    const queue = this.#queue;
    let moved = 0;
    for (let call = queue.peek(); call !== undefined; call = queue.peek()) {
      if (++moved % SLICE_CHECK_EVERY === 0 && !inSlice()) {
        // The host's slice is spent: the event loop gets a turn before the rest goes out.
        this.#pumpLater = true;
        later(this.#resumePump);
        break;
      }
      const id = queue.peekId();
      if (this.#table.get(id) !== call || isSettled(call)) {
        queue.shift();
        continue;
      }
      const lane = this.#pickLane(call.key, call.pin);
      if (lane === undefined) {
        this.#elastic?.waiting();
        break;
      }
      let placed: boolean;
      try {
        placed = this.#place(lane, id, call, call.bytes!);
      } catch (err) {
        // Too large for the payload buffer: this call fails, the queue moves on.
        queue.shift();
        this.#end(id, false, err);
        continue;
      }
      if (!placed) {
        this.#elastic?.waiting();
        break;
      }
      queue.shift();
    }
    if (queue.size === 0) {
      for (const lane of this.#workers.lanes) lane.wantSpace(this.#controls.waiting(lane));
    }
  }

  /**
   * Writes a call encoded earlier to `lane`, with its out-of-band items.
   * @returns false when no space was free.
   * @throws {RangeError} When it is too large for the payload buffer.
   */
  #place(lane: Lane, id: number, call: PendingCall, bytes: Uint8Array): boolean {
    const seq = lane.nextSeq;
    let meta = call.items === undefined ? call.task : call.task | OUT_OF_BAND_BIT;
    if (call.timeout > 0 || this.#stampAll) meta |= TIMED_BIT;
    if (!lane.putEncoded(id, meta, bytes)) return false;
    if (call.items !== undefined) lane.send(id, call.items);
    this.#dispatched(id, call, lane, seq);
    return true;
  }

  #settle(call: PendingCall, ok: boolean, value: unknown): void {
    if (!settleCall(call, ok, value)) return;
    if (ok) this.#completed++;
    else this.#failed++;
    if (--this.#live === 0 && this.#onIdle !== undefined) {
      const idle = this.#onIdle;
      this.#onIdle = undefined;
      idle();
    }
  }

  /** The worker is done with the call: free its id, or hold it until the abort notice is read. */
  #retire(id: number, call: PendingCall, lane: Lane): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.ended = true;
    call.sink?.ended();
    if (call.notice >= 0 && !lane.link.aborts.isRead(call.notice)) lane.hold(id, call.notice);
    else this.#table.take(id);
  }

  /** Settles (if not yet) and removes a call, whatever its state. */
  #end(id: number, ok: boolean, value: unknown): void {
    const call = this.#table.take(id);
    if (call === undefined) return;
    clearTimeout(call.timer);
    call.ended = true;
    if (!isSettled(call)) this.#settle(call, ok, value);
    call.sink?.ended();
  }

  #timedOut(id: number, call: PendingCall): void {
    if (this.#table.get(id) !== call || call.ended) return;
    call.timer = undefined;
    const name = this.#config.tasks[call.task].name;
    const expired = () =>
      new TimeoutError(`Cannot finish call: task "${name}" timed out after ${call.timeout} ms`);
    if (call.lane === INLINE_LANE) {
      this.#settle(call, false, expired());
      this.#inline!.abort(id, true);
      return;
    }
    // An answer that is already in the mailbox was produced in time: it settles the call.
    if (call.lane !== -1) this.#workers.lanes[call.lane].drainNow();
    if (call.ended || isSettled(call)) return;
    if (call.lane === -1) {
      // Withdrawn from a stuck lane and waiting to be sent again: it never runs now.
      this.#queue.remove(call);
      this.#end(id, false, expired());
      return;
    }
    const lane = this.#workers.lanes[call.lane];
    this.#settle(call, false, expired());
    call.notice = lane.abort(id, true);
    // The task was told to stop. If it has not ended when its own running time passes its
    // timeout plus the grace period, its worker is stuck (a synchronous loop, say): end that
    // worker; the pool replaces it.
    const timedOutAt = performance.now();
    call.timer = setTimeout(
      () => this.#checkOverrun(id, call, lane, timedOutAt),
      this.#config.timeoutGrace,
    );
  }

  /**
   * Ends the worker of a timed-out call that is still running once the call's own running time
   * (from the start stamp its worker wrote, see `STARTS_BYTES`) passes `timeout + timeoutGrace`.
   * Time the call spent waiting behind others in the worker's mailbox does not count, and a
   * worker whose answer is already in the mailbox is not stuck.
   */
  #checkOverrun(id: number, call: PendingCall, lane: Lane, timedOutAt: number): void {
    call.timer = undefined;
    if (this.#table.get(id) !== call || call.ended || !lane.alive) return;
    lane.drainNow();
    // A call its worker has not taken yet will be skipped when it is: nothing is stuck.
    if (call.ended || !lane.started(call.seq)) return;
    const grace = this.#config.timeoutGrace;
    const limit = call.timeout + grace;
    // Without a stamp (1,024 later calls have started since: the worker is not blocked, an
    // asynchronous task is pending), the call is taken to have run since it was dispatched.
    let ran = lane.link.ranFor(call.seq);
    if (ran < 0) ran = call.timeout + performance.now() - timedOutAt;
    if (ran < limit) {
      call.timer = setTimeout(
        () => this.#checkOverrun(id, call, lane, timedOutAt),
        Math.max(1, limit - ran),
      );
      return;
    }
    const name = this.#config.tasks[call.task].name;
    this.#workers.kill(
      lane,
      new WorkerCrashedError(
        `Cannot finish call: worker ${lane.index} was ended because task "${name}" did not stop within ${grace} ms of its timeout`,
      ),
    );
  }

  #aborted(id: number, call: PendingCall): void {
    const reason = call.signal!.reason;
    // A process worker's child learns of its host's timeouts as aborts (see `child_entry.ts`).
    if (
      this.#stampAll && (reason as Error)?.name === "TimeoutError" && call.lane >= 0 &&
      this.#table.get(id) === call && !isSettled(call)
    ) {
      // The host's timeout expired: the grace counts from the time the task has run so far.
      call.timeout = Math.max(0, this.#workers.lanes[call.lane].link.ranFor(call.seq));
      this.#timedOut(id, call);
      return;
    }
    this.#abandon(id, call, false, reason);
  }

  /** Settles a call that is not settled yet and tells its worker to give up on it. */
  #abandon(id: number, call: PendingCall, ok: boolean, value: unknown): void {
    if (this.#table.get(id) !== call || isSettled(call)) return;
    if (call.lane === -1) {
      this.#queue.remove(call);
      this.#end(id, ok, value);
      return;
    }
    this.#settle(call, ok, value);
    if (call.lane === INLINE_LANE) this.#inline!.abort(id, false);
    else call.notice = this.#workers.lanes[call.lane].abort(id, false);
  }
}
