/**
 * The heart of a pool on the host: takes calls, writes them to lanes, batches the publication of
 * everything written in one tick into one wake-up per worker, queues what finds no space, and
 * settles each call exactly once.
 *
 * @module
 */

import { PoolClosedError, WorkerCrashedError, WorkerStartError } from "../errors.ts";
import { ByteWriter } from "../memory/byte_writer.ts";
import { encodeValue } from "../memory/codec.ts";
import { allocateLink, type PayloadOptions } from "../memory/region.ts";
import type { Runtime } from "../runtime/adapter.ts";
import { HostLink } from "../transport/link.ts";
import { WORKER_MARK, type WorkerInit, type WorkerMessage } from "../worker/init.ts";
import type { TaskRef } from "../worker/registry.ts";
import { pickRoundRobin } from "./balancer.ts";
import { CallTable } from "./call_table.ts";
import { Lane, type LaneEvents } from "./lane.ts";

/** Everything a dispatcher needs to start. */
export interface DispatcherConfig {
  runtime: Runtime;
  entryUrl: URL;
  threads: number;
  modules: string[];
  tasks: TaskRef[];
  payload: PayloadOptions;
  spinMicroseconds: number;
  parkMicroseconds: number;
  gcOnIdle: boolean;
  /** Microseconds the host may check for responses right after publishing, before it waits. */
  hostSpinMicroseconds: number;
}

/** Calls written to one lane in one tick before they are published early, as a group. */
const EARLY_PUBLISH = 16;

interface Queued {
  id: number;
  task: number;
  bytes: Uint8Array;
}

/** Routes calls to workers and settles them. */
export class Dispatcher implements LaneEvents {
  readonly #lanes: Lane[] = [];
  readonly #table = new CallTable();
  readonly #tasks: TaskRef[];
  #queue: Queued[] = [];
  #queueHead = 0;
  #next = 0;
  #dirty: Lane[] = [];
  #flushScheduled = false;
  #closed: Error | undefined;
  #stopping: Promise<void> | undefined;
  readonly #scratch = new ByteWriter();
  readonly #flush = () => this.#publishDirty();
  readonly #canTake = (lane: number) => this.#lanes[lane].hasSlot();

  constructor(config: DispatcherConfig) {
    this.#tasks = config.tasks;
    for (let i = 0; i < config.threads; i++) this.#lanes.push(this.#spawn(i, config));
  }

  /** Calls waiting in the host queue. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** Calls made and not yet settled (queued or running). */
  get pending(): number {
    return this.#table.size;
  }

  /** Lost wake-ups recovered by the safety timeout, over all lanes. */
  get lostWakeups(): number {
    return this.#lanes.reduce((sum, lane) => sum + lane.lostWakeups, 0);
  }

  /**
   * Calls task number `task` with `arg`. Promise arguments are awaited first.
   * @returns The task's result.
   */
  call(task: number, arg: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (
      (typeof arg === "object" || typeof arg === "function") && arg !== null &&
      typeof (arg as PromiseLike<unknown>).then === "function"
    ) {
      return Promise.resolve(arg).then((value) => this.call(task, value));
    }
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const call = { resolve, reject, task, lane: -1 };
    const id = this.#table.add(call);
    try {
      if (this.queued === 0) {
        const lane = this.#pickLane();
        if (lane !== undefined) {
          if (lane.put(id, task, arg)) {
            call.lane = lane.index;
            this.#markDirty(lane);
            // Long batches go out in groups, so the worker starts while the host still writes.
            if (lane.link.requests.unpublished >= EARLY_PUBLISH) lane.publishEarly();
            return promise;
          }
          this.#enqueue(id, task, lane.snapshot());
          return promise;
        }
      }
      this.#scratch.reset();
      encodeValue(this.#scratch, arg, "arg");
      this.#enqueue(id, task, this.#scratch.bytes.slice(0, this.#scratch.length));
    } catch (err) {
      // The argument cannot cross: this call fails before dispatch, and nothing was written.
      this.#table.take(id);
      return Promise.reject(err);
    }
    return promise;
  }

  /** Rejects every pending call, stops the workers, and resolves once they are gone. */
  shutdown(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#closed = new PoolClosedError("Cannot call task: the pool is shut down");
    this.#rejectWhere(
      () => true,
      new PoolClosedError("Cannot finish call: the pool was shut down while the call was pending"),
    );
    this.#queue = [];
    this.#queueHead = 0;
    const gone = this.#lanes.map((lane) => {
      lane.link.stop();
      lane.dead();
      return lane.handle.terminate();
    });
    this.#stopping = Promise.all(gone).then(() => {});
    return this.#stopping;
  }

  /** LaneEvents: a response for call `id`. */
  settle(id: number, ok: boolean, value: unknown): void {
    const call = this.#table.take(id);
    if (call === undefined) return;
    if (ok) call.resolve(value);
    else call.reject(value);
  }

  /** LaneEvents: space may have been freed on `lane`: move queued calls out. */
  space(_lane: Lane): void {
    this.#pump();
  }

  #pickLane(): Lane | undefined {
    const lanes = this.#lanes;
    const i = pickRoundRobin(this.#next, lanes.length, this.#canTake);
    if (i === -1) return undefined;
    this.#next = i + 1 === lanes.length ? 0 : i + 1;
    return lanes[i];
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
      dirty[i].publish();
    }
    dirty.length = 0;
  }

  #enqueue(id: number, task: number, bytes: Uint8Array): void {
    this.#queue.push({ id, task, bytes });
    for (const lane of this.#lanes) lane.wantSpace(true);
  }

  /** Moves queued calls, in order, into lanes with space. */
  #pump(): void {
    const queue = this.#queue;
    while (this.#queueHead < queue.length) {
      const next = queue[this.#queueHead];
      const call = this.#table.get(next.id);
      if (call === undefined) {
        this.#queueHead++;
        continue;
      }
      const lane = this.#pickLane();
      if (lane === undefined || !lane.putEncoded(next.id, next.task, next.bytes)) break;
      call.lane = lane.index;
      this.#queueHead++;
      this.#markDirty(lane);
    }
    if (this.#queueHead === queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
      for (const lane of this.#lanes) lane.wantSpace(false);
    }
  }

  #rejectWhere(match: (lane: number) => boolean, reason: Error): void {
    for (const id of this.#table.ids((call) => match(call.lane))) {
      this.#table.take(id)?.reject(reason);
    }
  }

  #spawn(index: number, config: DispatcherConfig): Lane {
    const buffers = allocateLink(config.payload);
    const init: WorkerInit = {
      mark: WORKER_MARK,
      buffers,
      modules: config.modules,
      tasks: config.tasks,
      spinMicroseconds: config.spinMicroseconds,
      parkMicroseconds: config.parkMicroseconds,
      gcOnIdle: config.gcOnIdle,
    };
    const handle = config.runtime.spawn(config.entryUrl, {
      workerData: init,
      name: `weft-${index}`,
    });
    handle.unref();
    const lane = new Lane(index, new HostLink(buffers), handle, this, config.hostSpinMicroseconds);
    handle.onMessage((message) => this.#onMessage(message as WorkerMessage));
    handle.onError((error) => this.#onCrash(lane, error));
    handle.onExit((code) => this.#onCrash(lane, code));
    return lane;
  }

  #onMessage(message: WorkerMessage): void {
    if (message.type !== "boot-error") return;
    const cause = Object.assign(new Error(message.message), {
      name: message.name,
      stack: message.stack,
    });
    const err = new WorkerStartError(
      `Cannot start worker: importing ${message.module} failed: ${message.message}`,
      { cause },
    );
    this.#closed = err;
    this.#rejectWhere(() => true, err);
    this.#queue = [];
    this.#queueHead = 0;
    // Every worker imports the same modules, so none of them can serve: end them all now rather
    // than leave threads that would never run a task.
    for (const other of this.#lanes) {
      other.dead();
      void other.handle.terminate();
    }
  }

  #onCrash(lane: Lane, cause: unknown): void {
    if (!lane.alive) return;
    lane.dead();
    const detail = typeof cause === "number" ? `exit code ${cause}` : String(cause);
    this.#rejectWhere(
      (index) => index === lane.index,
      new WorkerCrashedError(`Cannot finish call: worker ${lane.index} stopped (${detail})`, {
        cause,
      }),
    );
    if (this.#lanes.every((l) => !l.alive)) {
      this.#closed = new WorkerCrashedError(
        "Cannot call task: every worker of the pool has stopped",
      );
      this.#rejectWhere(() => true, this.#closed);
    }
  }
}
