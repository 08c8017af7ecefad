/**
 * The duplex link between the host and one worker: a request mailbox (host -> worker), a
 * response mailbox (worker -> host), and the bells each side rings to wake the other.
 *
 * Concurrency contract: the host owns `HostLink`, the worker owns `WorkerLink`; each writes only
 * the words of its own line in `layout.ts`. Wake-up protocol (both directions alike):
 *
 * ```
 * sleeper: store STATE=PARKED; b = load BELL; if (work) {STATE=RUNNING} else wait(BELL, b)
 * waker:   publish work;  add BELL;  if (load STATE == PARKED) notify(BELL)
 * ```
 * All four operations are sequentially consistent, so either the sleeper sees the work, or the
 * waker sees PARKED and notifies, or the wait sees the bell already changed: no lost wake-up,
 * and no `notify` at all while the other side is awake. The worker may block in `Atomics.wait`;
 * the host waits with `Atomics.waitAsync`, except during a synchronous call (`callSync`), when
 * it blocks in `Atomics.wait` on the same bell through the same protocol (`waitSync`).
 *
 * @module
 */

import {
  FENCE_I32,
  FENCE_ON_I32,
  HEAP_KIB_I32,
  HOST_BELL_I32,
  HOST_STATE_I32,
  HOST_WAITS_I32,
  HOST_WANTS_SPACE_I32,
  HostState,
  REQ_READ_I32,
  REQ_WRITE_I32,
  REQUEST_SLOTS_BYTES,
  RESP_READ_I32,
  RESP_WRITE_I32,
  RESPONSE_SLOTS_BYTES,
  SLOT_COUNT,
  START_ENTRY_I32,
  STARTS_BYTES,
  STOP_I32,
  WORKER_BELL_I32,
  WORKER_STATE_I32,
  WORKER_WANTS_SPACE_I32,
  WorkerState,
} from "../memory/layout.ts";
import type { LinkBuffers } from "../memory/region.ts";
import { AbortReader, AbortWriter } from "./abort_ring.ts";
import { Inbox } from "./inbox.ts";
import { type MailboxPlace, Outbox } from "./outbox.ts";

/** Requests: host writes, worker reads. */
export const REQUESTS: MailboxPlace = {
  slotsBytes: REQUEST_SLOTS_BYTES,
  writeI32: REQ_WRITE_I32,
  readI32: REQ_READ_I32,
};
/** Responses: worker writes, host reads. */
export const RESPONSES: MailboxPlace = {
  slotsBytes: RESPONSE_SLOTS_BYTES,
  writeI32: RESP_WRITE_I32,
  readI32: RESP_READ_I32,
};

/** Whole milliseconds on a clock every thread of the process shares, truncated to 32 bits. */
export function sharedMillis(): number {
  return Math.floor(performance.timeOrigin + performance.now()) | 0;
}

const STARTS_I32 = STARTS_BYTES / Int32Array.BYTES_PER_ELEMENT;
const STARTS_MASK = SLOT_COUNT - 1;

/** The host's end of a link. */
export class HostLink {
  readonly i32: Int32Array;
  readonly requests: Outbox;
  readonly responses: Inbox;
  readonly aborts: AbortWriter;
  readonly buffers: LinkBuffers;

  /** @param buffers The link's shared buffers. */
  constructor(buffers: LinkBuffers) {
    this.buffers = buffers;
    this.aborts = new AbortWriter(buffers.region);
    this.i32 = new Int32Array(buffers.region);
    this.requests = new Outbox(buffers.region, buffers.requestPayload, REQUESTS);
    this.responses = new Inbox(buffers.region, buffers.responsePayload, RESPONSES);
  }

  /** Rings the worker's bell; notifies only when it is parked. */
  wakeWorker(): void {
    const i32 = this.i32;
    Atomics.add(i32, WORKER_BELL_I32, 1);
    if (Atomics.load(i32, WORKER_STATE_I32) === WorkerState.PARKED) {
      Atomics.notify(i32, WORKER_BELL_I32);
    }
  }

  /** Publishes the requests written so far and wakes the worker if there were any. */
  publish(): void {
    if (this.requests.publish()) this.wakeWorker();
  }

  /** Tells the worker whether the host holds calls waiting for request space. */
  setWantsSpace(wants: boolean): void {
    // Publish: the worker rings the host after freeing request space only while this is 1.
    Atomics.store(this.i32, HOST_WANTS_SPACE_I32, wants ? 1 : 0);
  }

  /** True when the worker holds responses waiting for space (the host should ring after reading). */
  workerWantsSpace(): boolean {
    return Atomics.load(this.i32, WORKER_WANTS_SPACE_I32) === 1;
  }

  /**
   * Marks the host as waiting and returns the bell value to wait on, or -1 when responses are
   * already there, or when the host waits for space and the worker has taken requests since
   * `spaceMark` (its read count when the host last tried); then the host stays running.
   */
  prepareWait(spaceMark: number | undefined): number {
    const i32 = this.i32;
    // Publish: a new wait, which the worker rings once for its first answer (`answered`).
    Atomics.add(i32, HOST_WAITS_I32, 1);
    // Publish: from here on the worker notifies the host's bell.
    Atomics.store(i32, HOST_STATE_I32, HostState.WAITING);
    const bell = Atomics.load(i32, HOST_BELL_I32);
    if (
      this.responses.available() > 0 || (spaceMark !== undefined && this.started() !== spaceMark)
    ) {
      Atomics.store(i32, HOST_STATE_I32, HostState.RUNNING);
      return -1;
    }
    return bell;
  }

  /**
   * Calls `wake` from the event loop once the bell moves past `bell` or `ms` pass. Never blocks.
   */
  waitAsync(bell: number, ms: number, wake: (result: string) => void): void {
    const wait = Atomics.waitAsync(this.i32, HOST_BELL_I32, bell, ms);
    if (wait.async) wait.value.then(wake);
    else queueMicrotask(() => wake(wait.value as string));
  }

  /**
   * Blocks this thread until the bell moves past `bell` or `ms` pass (a synchronous call; see
   * {@linkcode HostLink.waitAsync} for the wait that never blocks).
   * @returns `"ok"`, `"not-equal"` or `"timed-out"`, as `Atomics.wait`.
   */
  waitSync(bell: number, ms: number): string {
    return Atomics.wait(this.i32, HOST_BELL_I32, bell, ms);
  }

  /**
   * Rings the host's own bell: after a synchronous wait, which changed the host's state and wait
   * count under it, the pending asynchronous wait (if any) wakes, drains and arms again.
   */
  ringHost(): void {
    // Publish: the state change above is seen by the woken wait (it re-reads everything).
    Atomics.add(this.i32, HOST_BELL_I32, 1);
    Atomics.notify(this.i32, HOST_BELL_I32);
  }

  /** Marks the host as running (the worker stops notifying). */
  running(): void {
    Atomics.store(this.i32, HOST_STATE_I32, HostState.RUNNING);
  }

  /**
   * Tells the worker that call `id` was given up on, and wakes it.
   * @returns The notice's number (see `AbortWriter.isRead`).
   */
  abort(id: number, timedOut: boolean): number {
    const n = this.aborts.post(id, timedOut);
    if (this.aborts.flush()) this.wakeWorker();
    return n;
  }

  /** The worker's state (`WorkerState`). */
  workerState(): number {
    return Atomics.load(this.i32, WORKER_STATE_I32);
  }

  /** Bytes in use on the worker's heap when it last measured (0: never), to a KiB. */
  heapBytes(): number {
    return Atomics.load(this.i32, HEAP_KIB_I32) * 1024;
  }

  /** Requests consumed by the worker so far: calls below this number have started. */
  started(): number {
    return Atomics.load(this.i32, REQUESTS.readI32);
  }

  /**
   * Milliseconds that call number `seq` has been running, from its start stamp (calls with a
   * timeout only), or -1 when the stamp is not there (the call has not started, or 1,024 later
   * calls have started since and reused its entry).
   */
  ranFor(seq: number): number {
    const i32 = this.i32;
    const at = STARTS_I32 + (seq & STARTS_MASK) * START_ENTRY_I32;
    if (Atomics.load(i32, at) !== seq) return -1;
    const ms = Atomics.load(i32, at + 1);
    // The worker writes the time, then the number: a changed number means a newer call's time.
    if (Atomics.load(i32, at) !== seq) return -1;
    return (sharedMillis() - ms) | 0;
  }

  /**
   * Withdraws the requests numbered `from` onwards: the worker answers each it takes from now on
   * `WITHDRAWN` instead of running it. Write no request to this link until
   * {@linkcode HostLink.endWithdraw}.
   *
   * Why a withdrawn call never runs twice: the host stores the fence, then loads the worker's
   * read count; the worker stores its read count past a request, then loads the fence. All four
   * are sequentially consistent, so for each request either the worker's load sees the fence
   * (it does not run the request), or the host's load sees the read count past it (the host
   * knows the request was taken, and does not send it elsewhere).
   * @returns The worker's read count once the fence is up: requests numbered from it onwards
   *   (and from `from`) will not run on this worker; between `from` and it, the worker either
   *   ran a request or answers it `WITHDRAWN`.
   */
  withdrawFrom(from: number): number {
    const i32 = this.i32;
    Atomics.store(i32, FENCE_I32, from);
    // Publish: the fence above holds from here on.
    Atomics.store(i32, FENCE_ON_I32, 1);
    return Atomics.load(i32, REQ_READ_I32);
  }

  /** Takes the fence down once every withdrawn request has been answered `WITHDRAWN`. */
  endWithdraw(): void {
    // Publish: requests written after this store run normally.
    Atomics.store(this.i32, FENCE_ON_I32, 0);
  }

  /** Asks the worker to leave its loop. */
  stop(): void {
    // Publish: the worker checks this flag every time its bell rings.
    Atomics.store(this.i32, STOP_I32, 1);
    this.wakeWorker();
  }
}

/** The worker's end of a link. */
export class WorkerLink {
  /** Responses written when the host's bell was last rung. */
  #rung = 0;
  /** The host's wait count (`HOST_WAITS_I32`) when the worker last rang it. */
  #rungWait = -1;
  readonly i32: Int32Array;
  readonly requests: Inbox;
  readonly responses: Outbox;
  readonly aborts: AbortReader;

  /** @param buffers The link's shared buffers. */
  constructor(buffers: LinkBuffers) {
    this.aborts = new AbortReader(buffers.region);
    this.i32 = new Int32Array(buffers.region);
    this.requests = new Inbox(buffers.region, buffers.requestPayload, REQUESTS);
    this.responses = new Outbox(buffers.region, buffers.responsePayload, RESPONSES);
  }

  /** Sets this worker's state word. */
  setState(state: number): void {
    // Publish: the host notifies the worker's bell only while this reads PARKED.
    Atomics.store(this.i32, WORKER_STATE_I32, state);
  }

  /** The worker's bell value. */
  bell(): number {
    return Atomics.load(this.i32, WORKER_BELL_I32);
  }

  /** Blocks until the bell moves past `bell` or `ms` pass. */
  waitBell(bell: number, ms: number): void {
    Atomics.wait(this.i32, WORKER_BELL_I32, bell, ms);
  }

  /** Calls `wake` (from the event loop, never synchronously) once the bell moves past `bell`. */
  waitBellAsync(bell: number, wake: () => void): void {
    const wait = Atomics.waitAsync(this.i32, WORKER_BELL_I32, bell);
    if (wait.async) wait.value.then(wake);
    else queueMicrotask(wake);
  }

  /** True once the host asked the worker to stop. */
  stopping(): boolean {
    return Atomics.load(this.i32, STOP_I32) === 1;
  }

  /**
   * True when the host has withdrawn request number `seq` (see `HostLink.withdrawFrom`). Call it
   * only after the read count past `seq` is published.
   */
  withdrawn(seq: number): boolean {
    const i32 = this.i32;
    return Atomics.load(i32, FENCE_ON_I32) === 1 && ((seq - Atomics.load(i32, FENCE_I32)) | 0) >= 0;
  }

  /** Reports the bytes in use on this worker's heap (see `HEAP_KIB_I32`). */
  reportHeap(bytes: number): void {
    // Publish: the host reads the latest measurement whenever it answers a call of this worker.
    Atomics.store(this.i32, HEAP_KIB_I32, Math.min(0x7fffffff, Math.ceil(bytes / 1024)));
  }

  /** Stamps the start of call number `seq` (see `STARTS_BYTES`). */
  stampStart(seq: number): void {
    const i32 = this.i32;
    const at = STARTS_I32 + (seq & STARTS_MASK) * START_ENTRY_I32;
    // A number that is not yet `seq` makes the host ignore the time while it is written.
    Atomics.store(i32, at, ~seq);
    Atomics.store(i32, at + 1, sharedMillis());
    // Publish: the time above belongs to call `seq` from here on.
    Atomics.store(i32, at, seq);
  }

  /** Tells the host whether the worker holds responses waiting for space. */
  setWantsSpace(wants: boolean): void {
    // Publish: the host rings the worker after reading responses only while this is 1.
    Atomics.store(this.i32, WORKER_WANTS_SPACE_I32, wants ? 1 : 0);
  }

  /**
   * Publishes the responses written so far and, when there were any or request space was freed
   * while the host waits for it, rings the host.
   */
  publish(freedRequests: boolean): void {
    const i32 = this.i32;
    this.responses.publish();
    const written = this.responses.written;
    const fresh = written !== this.#rung;
    if (!fresh && !(freedRequests && Atomics.load(i32, HOST_WANTS_SPACE_I32) === 1)) return;
    this.#rung = written;
    Atomics.add(i32, HOST_BELL_I32, 1);
    if (Atomics.load(i32, HOST_STATE_I32) === HostState.WAITING) {
      this.#rungWait = Atomics.load(i32, HOST_WAITS_I32);
      Atomics.notify(i32, HOST_BELL_I32);
    }
  }

  /**
   * Publishes one answer just written, and rings the host if it is waiting and has not been rung
   * during this wait. A host that waits has nothing to do until an answer comes, so the first
   * one wakes it at once, however long the tasks of the group take; the answers that follow
   * during the same wait cost one load each (the host drains them all when it wakes). A host that
   * is running needs no ring: it checks the mailbox before it waits again (`prepareWait`).
   *
   * No lost wake-up: the host bumps its wait count, stores WAITING, loads the bell, then checks
   * for answers; the worker stores its write count, then loads the state and the count. So
   * either the host sees the answer, or the worker sees the new wait and rings it, or it rang
   * this wait already (then the bell has moved past the value the host waits on).
   */
  answered(): void {
    const i32 = this.i32;
    this.responses.publish();
    if (Atomics.load(i32, HOST_STATE_I32) !== HostState.WAITING) return;
    const wait = Atomics.load(i32, HOST_WAITS_I32);
    if (wait === this.#rungWait) return;
    this.#rungWait = wait;
    this.#rung = this.responses.written;
    // Publish: the answer stored above happens-before the host's wake-up.
    Atomics.add(i32, HOST_BELL_I32, 1);
    Atomics.notify(i32, HOST_BELL_I32);
  }
}
