/**
 * The host's side of one worker: its link, its thread, and the wait for its responses.
 *
 * The host never blocks for long: while calls are in flight on a lane it keeps exactly one
 * `Atomics.waitAsync` armed on the lane's bell, drains every ready response in one pass when it
 * fires, and re-arms. The wait carries a long safety timeout, so a lost wake-up (seen once in a
 * Node 24 probe) costs latency and is counted, never a hang.
 *
 * A `waitAsync` wake-up costs 5-15 µs, more than a whole batch of tiny calls takes on the worker.
 * So right after publishing, the host checks the response count for up to `hostSpinMicroseconds`
 * and drains at once if the answers are already there. This check is bounded three ways: by the
 * budget per publish; by back-off (after a check that found nothing, the next 2^k - 1 publishes on
 * that lane skip the check, k growing with each miss, so lanes running long tasks are checked
 * rarely, yet a lane whose tasks get short again is found within a few publishes); and by the
 * host's time slice (`host_slice.ts`): once weft has run `SLICE_MS` of its own work in this
 * macrotask, there is no check, and a drain stops and goes on in a macrotask of its own, so the
 * event loop gets a turn however many answers keep coming.
 *
 * Why it stays one file (past 500 lines): the wait, the post-publish check, the drain and the
 * stream reader's poll are one state machine over the lane's response cursor (`#waiting`,
 * `#itemsWaiting`, `#draining`, the miss back-off, the time slice), each deciding whether the next
 * must run; the stream and recycling hooks read the same cursor in the same drain pass. Split,
 * that state would sit behind accessors on the hottest path of the host, and the invariant that
 * exactly one wait is armed while calls are in flight would be spread over files.
 *
 * @module
 */

import {
  CONTROL_BIT,
  isAnswer,
  OUT_OF_BAND_BIT,
  ResponseStatus,
  WorkerState,
} from "../memory/layout.ts";
import { isPacked, type PackedNumbers, PackReader } from "../memory/number_pack.ts";
import type { OutOfBand } from "../memory/out_of_band.ts";
import type { WorkerHandle } from "../runtime/adapter.ts";
import type { LaneState } from "./balancer.ts";
import { ItemsChannel } from "../transport/items_channel.ts";
import type { HostLink } from "../transport/link.ts";
import { inSlice, later, SLICE_CHECK_EVERY } from "./host_slice.ts";

/** Payload bytes one drain decodes before it lets the event loop go on (see `#drain`). */
const DRAIN_BYTES = 256 * 1024;
/**
 * The status a lane reports for a stream message whose value could not be decoded (never on the
 * wire): not an answer, so the call stays in flight.
 */
export const UNREADABLE_MESSAGE = -1;
/** Milliseconds after which a host wait re-checks the mailbox even without a wake-up. */
export const SAFETY_WAIT_MS = 1000;

/** What a lane reports to its pool. */
export interface LaneEvents {
  /**
   * A response arrived for call `id`; `status` is a `ResponseStatus`, `bytes` its encoded length
   * (as the worker counted it against a stream's window).
   */
  answer(lane: Lane, id: number, status: number, value: unknown, bytes: number): void;
  /**
   * A packed slot of numbers arrived for stream call `id`: `count` items (`number_pack.ts`) that
   * `numbers` reads, handed over together rather than as one `answer` each.
   */
  numbers(lane: Lane, id: number, numbers: PackedNumbers): void;
  /** Request space may have been freed. */
  space(lane: Lane): void;
  /** Call `id` has ended and the worker has read its abort notice: its id may be reused. */
  release(id: number): void;
  /** Every call written to `lane` has been answered. */
  idle(lane: Lane): void;
}

/** Host side of one worker. */
export class Lane implements LaneState {
  readonly index: number;
  readonly link: HostLink;
  readonly handle: WorkerHandle;
  readonly #events: LaneEvents;
  /** Calls written to this lane and not yet answered. */
  #inFlight = 0;
  #waiting = false;
  #wantsSpace = false;
  /** The worker's read count when the host last tried to place a waiting call. */
  #spaceMark = 0;
  #alive = true;
  /** Set while `#drain` runs: a poll from a callback it made must not drain underneath it. */
  #draining = false;
  /** Out-of-band items of answers, by call id, and whether the drain waits for some. */
  readonly #items: ItemsChannel;
  /** Reads the numbers of packed stream items out of the response slots. */
  readonly #packs: PackReader;
  #itemsWaiting = false;
  /** Safety timeouts that found responses waiting: lost wake-ups. */
  lostWakeups = 0;
  /** Publications of calls: each is one store and at most one wake-up of the worker. */
  batches = 0;
  /** Set while the lane waits in the pool's list of lanes to publish this tick. */
  dirty = false;
  /** Set once the worker has imported its modules and entered its loop. */
  ready = false;
  /** Calls written to this lane so far. */
  calls = 0;
  /** Set once the lane takes no new calls: its worker ends when the ones it has are answered. */
  retiring = false;
  /** The worker's call stamps (`CALL_STAMPS_BYTES`), when the pool keeps task timings. */
  stamps: Float64Array | undefined = undefined;
  /** Ids of calls with a timeout written before the worker was ready: their clocks wait. */
  readonly unclocked: number[] = [];
  /** Ended calls whose abort notice the worker has not read yet: [id, notice] pairs. */
  #quarantine: number[] = [];
  readonly #spinMs: number;
  /** Consecutive checks that found nothing, and publishes left to skip because of them. */
  #misses = 0;
  #skip = 0;
  /** Calls withdrawn from this lane whose `WITHDRAWN` answer has not come yet. */
  #withdrawing = 0;
  /** The worker's read count when last seen to move (or to catch up), and when. */
  #progressSeq = 0;
  #progressAt = 0;
  /** Request count at the last publish: calls below it are visible to the worker. */
  #publishedSeq = 0;
  readonly #onWake = (result: string) => this.#wake(result);
  readonly #onReady = () => this.#wake("ready");

  constructor(
    index: number,
    link: HostLink,
    handle: WorkerHandle,
    events: LaneEvents,
    hostSpinMicroseconds: number,
  ) {
    this.index = index;
    this.link = link;
    this.handle = handle;
    this.#events = events;
    this.#spinMs = hostSpinMicroseconds / 1000;
    this.#items = new ItemsChannel(handle);
    this.#packs = new PackReader(link.buffers.region);
  }

  /** Calls written to this lane and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Bytes in use on the worker's heap when it last measured (0: never; see `HEAP_KIB_I32`). */
  heapBytes(): number {
    return this.link.heapBytes();
  }

  /** False once the worker is gone. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * LaneState: the lane can take a call now (alive, not retiring, nothing withdrawn pending, a
   * slot free).
   */
  get open(): boolean {
    return this.#alive && !this.retiring && this.#withdrawing === 0 &&
      this.link.requests.hasSlot();
  }

  /** Calls published to this lane that its worker has not taken yet. */
  get unstarted(): number {
    return (this.#publishedSeq - this.link.started()) | 0;
  }

  /**
   * Milliseconds the worker has gone without taking a call while calls wait for it: 0 when none
   * wait or it has taken one since the last look.
   */
  stalledFor(now: number): number {
    const started = this.link.started();
    if (
      started !== this.#progressSeq || ((this.#publishedSeq - started) | 0) <= 0 ||
      // A parked worker is waking up to take them, not stuck.
      this.link.workerState() === WorkerState.PARKED
    ) {
      this.#progressSeq = started;
      this.#progressAt = now;
      return 0;
    }
    return now - this.#progressAt;
  }

  /** True while calls withdrawn from this lane wait for their `WITHDRAWN` answers. */
  get withdrawing(): boolean {
    return this.#withdrawing > 0;
  }

  /**
   * Withdraws the calls numbered `from` onwards (see `HostLink.withdrawFrom`), of which
   * `expected` will be sent elsewhere, so their `WITHDRAWN` answers are awaited before the lane
   * takes calls again.
   * @returns The worker's read count once the fence is up.
   */
  withdraw(from: number): number {
    this.#withdrawing = 1;
    return this.link.withdrawFrom(from);
  }

  /** Sets how many withdrawn calls were sent elsewhere; with none, the fence comes down now. */
  withdrawn(moved: number): void {
    this.#withdrawing = moved;
    if (moved === 0) this.link.endWithdraw();
  }

  /**
   * The `WITHDRAWN` answer of a call sent elsewhere came.
   * @returns true when it was the last one (the lane takes calls again).
   */
  withdrawnAnswered(): boolean {
    if (this.#withdrawing === 0 || --this.#withdrawing > 0) return false;
    this.link.endWithdraw();
    return true;
  }

  /**
   * Writes a call. Published by the next {@linkcode Lane.publish}.
   * @returns false when no space was free.
   * @throws {TypeError | RangeError} When the argument cannot cross.
   */
  put(id: number, task: number, arg: unknown, oob: OutOfBand): boolean {
    if (!this.link.requests.put(id, task, arg, "arg", oob)) return false;
    this.#sent();
    return true;
  }

  /**
   * Writes a stream message about a call already in flight (see `StreamControl`): it is no call
   * of its own, so it is not counted in flight. Published by the next {@linkcode Lane.publish}.
   * @returns false when no space was free (call {@linkcode Lane.snapshot} for its bytes).
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  putControl(id: number, meta: number, value: unknown, oob: OutOfBand): boolean {
    return this.link.requests.put(id, meta, value, "item", oob);
  }

  /** Writes a stream message encoded earlier. @returns false when no space was free. */
  putControlEncoded(id: number, meta: number, bytes: Uint8Array): boolean {
    return this.link.requests.putEncoded(id, meta, bytes);
  }

  /** Writes a call encoded earlier. @returns false when no space was free. */
  putEncoded(id: number, task: number, bytes: Uint8Array): boolean {
    if (!this.link.requests.putEncoded(id, task, bytes)) return false;
    this.#sent();
    return true;
  }

  /** The encoded bytes of the argument that the last `put` could not place. */
  snapshot(): Uint8Array {
    return this.link.requests.snapshot();
  }

  /** Tells the worker whether the pool holds calls waiting for space. */
  wantSpace(wants: boolean): void {
    if (wants) this.#spaceMark = this.link.started();
    if (this.#wantsSpace === wants) return;
    this.#wantsSpace = wants;
    this.link.setWantsSpace(wants);
    if (wants) this.#arm();
  }

  /** Publishes the calls written so far without waiting (a long batch is still being written). */
  publishEarly(): void {
    this.batches++;
    this.link.publish();
    this.#published();
  }

  /** Calls up to the last written are visible to the worker now. */
  #published(): void {
    // A worker that had taken every call before this batch starts its stall clock now.
    const started = this.link.started();
    if (((started - this.#publishedSeq) | 0) >= 0) {
      this.#progressSeq = started;
      this.#progressAt = performance.now();
    }
    this.#publishedSeq = this.link.requests.written;
  }

  /** Publishes the calls written since the last publish, wakes the worker, and waits. */
  publish(): void {
    this.batches++;
    this.link.publish();
    this.#published();
    if (this.#spinMs > 0 && !this.#waiting) {
      if (this.#skip > 0) this.#skip--;
      else this.#check();
    }
    this.#arm();
  }

  /** The bounded check for responses right after a publish (see the module doc). */
  #check(): void {
    if (!inSlice()) return;
    const deadline = performance.now() + this.#spinMs;
    let found = false;
    // The worker publishes answers in groups while it works through a batch: drain each group as
    // it lands, until the lane is empty or the budget is spent.
    while (this.#spin(deadline)) {
      found = true;
      // No progress means the next answer waits for its out-of-band items, which only the
      // event loop can deliver: stop checking (`receive` drains when they come).
      if (this.#drain() === 0 || this.#inFlight === 0 || !inSlice()) break;
    }
    if (found) {
      this.#misses = 0;
      this.#spaceMayBeFree();
    } else {
      if (this.#misses < 10) this.#misses++;
      this.#skip = (1 << this.#misses) - 1;
    }
  }

  /** Checks for responses until `deadline`; true when some arrived. */
  #spin(deadline: number): boolean {
    const responses = this.link.responses;
    do {
      for (let i = 0; i < 32; i++) if (responses.available() > 0) return true;
    } while (performance.now() < deadline);
    return false;
  }

  /** After a drain: tells the pool, if it holds calls waiting for space, to try placing them. */
  #spaceMayBeFree(): void {
    if (!this.#wantsSpace) return;
    this.#spaceMark = this.link.started();
    this.#events.space(this);
  }

  /** Request number the next call written to this lane gets. */
  get nextSeq(): number {
    return this.link.requests.written;
  }

  /** True when request number `seq` has been taken by the worker (its task started). */
  started(seq: number): boolean {
    return ((this.link.started() - seq) | 0) > 0;
  }

  /**
   * Copies back the calls written to this lane from request number `from` on (by default, the
   * ones the worker has not taken), without the stream messages among them.
   */
  salvage(from = this.link.started()): { id: number; meta: number; bytes: Uint8Array }[] {
    // Stream messages are not calls: they concern calls the worker had taken.
    return this.link.requests.salvage(from).filter((m) => (m.meta & CONTROL_BIT) === 0);
  }

  /**
   * Tells the worker that call `id` was given up on.
   * @returns The notice number, for {@linkcode Lane.hold}.
   */
  abort(id: number, timedOut: boolean): number {
    return this.link.abort(id, timedOut);
  }

  /** Keeps call id `id` out of reuse until the worker has read abort notice `notice`. */
  hold(id: number, notice: number): void {
    this.#quarantine.push(id, notice);
  }

  /** The worker is gone: stop waiting on it, and free every id held back for it. */
  dead(): void {
    this.#alive = false;
    this.#withdrawing = 0;
    if (this.#inFlight > 0) this.handle.unref();
    this.#inFlight = 0;
    const held = this.#quarantine;
    this.#quarantine = [];
    for (let i = 0; i < held.length; i += 2) this.#events.release(held[i]);
  }

  #sent(): void {
    this.calls++;
    if (this.#inFlight++ === 0) this.handle.ref();
  }

  #arm(): void {
    if (this.#waiting || !this.#alive || (this.#inFlight === 0 && !this.#wantsSpace)) return;
    // An answer waits for its out-of-band items: `receive` drains and re-arms when they come.
    if (this.#itemsWaiting) return;
    const bell = this.link.prepareWait(this.#wantsSpace ? this.#spaceMark : undefined);
    this.#waiting = true;
    // Answers are already there: drain them now, or after the event loop's turn once this
    // macrotask has used its slice.
    if (bell === -1) {
      if (inSlice()) queueMicrotask(this.#onReady);
      else later(this.#onReady);
    } else this.link.waitAsync(bell, SAFETY_WAIT_MS, this.#onWake);
  }

  #wake(result: string): void {
    this.#waiting = false;
    if (!this.#alive) return;
    this.link.running();
    const drained = this.#drain();
    if (result === "timed-out" && drained > 0) this.lostWakeups++;
    this.#spaceMayBeFree();
    this.#arm();
  }

  /** The event loop delivered a message of the data channel: the items of an answer. */
  receive(message: unknown): void {
    this.#items.add(message);
    if (this.#itemsWaiting) {
      this.#itemsWaiting = false;
      this.#drain();
      this.#arm();
    }
  }

  /** Sends the out-of-band items of call `id` to the worker (before the call is published). */
  send(id: number, items: unknown[]): void {
    this.#items.send(id, items);
  }

  /**
   * Drains the responses that are ready now, for a stream reader that has run out of items: the
   * ones its worker has published since are read at once, not after the event loop's turn that
   * the armed wait needs. Only while the host's slice has time left (a reader that keeps finding
   * items must still let the event loop run), and never from inside a drain.
   */
  poll(): void {
    if (!this.#alive || this.#draining || !inSlice()) return;
    if (this.#drain() > 0) this.#spaceMayBeFree();
  }

  /** Settles the responses that are ready now (used when the worker has just died). */
  drainNow(): void {
    while (this.#drain() > 0);
  }

  /**
   * Settles the responses that are ready, up to `DRAIN_BYTES` of payload: after that it returns,
   * so that the calls the settled ones lead to go out before the rest is decoded (the next
   * wake-up comes at once, as responses are still available). Returns how many it settled.
   */
  #drain(): number {
    const responses = this.link.responses;
    const available = responses.available();
    if (available === 0 || this.#itemsWaiting) return 0;
    const events = this.#events;
    const bytesBefore = responses.bytesTaken;
    this.#draining = true;
    let n = 0;
    /** Stream messages among the `n` responses: they end no call. */
    let messages = 0;
    for (; n < available; n++) {
      if (n > 0 && ((responses.bytesTaken - bytesBefore) | 0) >= DRAIN_BYTES) break;
      // The slice is spent: the rest is drained in a later macrotask (see `#arm`).
      if (n % SLICE_CHECK_EVERY === SLICE_CHECK_EVERY - 1 && !inSlice()) break;
      responses.peek();
      const id = responses.id;
      let status = responses.meta;
      if (isPacked(status)) {
        messages++;
        this.#unpack(id, status);
        continue;
      }
      let items: unknown[] | undefined;
      if ((status & OUT_OF_BAND_BIT) !== 0) {
        items = this.#items.take(id);
        // Posted before the answer was published, so normally already queued; if not, stop
        // here, and drain again when the event loop delivers them (see `receive`).
        if (items === undefined) {
          this.#itemsWaiting = true;
          break;
        }
        status &= ~OUT_OF_BAND_BIT;
      }
      let value: unknown;
      const answer = isAnswer(status);
      if (!answer) messages++;
      try {
        value = responses.take(items);
      } catch (err) {
        // A stream message that cannot be read fails its call, which goes on in the worker until
        // it is cancelled: the call must not end here.
        status = answer ? ResponseStatus.ERROR : UNREADABLE_MESSAGE;
        value = err;
      }
      events.answer(this, id, status, value, responses.lastLength);
    }
    this.#draining = false;
    if (n === 0) return 0;
    // Publish: the response slots and payload read above may be reused by the worker.
    responses.consume();
    if (this.link.workerWantsSpace()) this.link.wakeWorker();
    if (this.link.aborts.flush()) this.link.wakeWorker();
    if (this.#quarantine.length > 0) this.#releaseRead();
    this.#inFlight -= n - messages;
    if (this.#inFlight === 0 && n > messages) {
      this.handle.unref();
      events.idle(this);
    }
    return n;
  }

  /** Reports the numbers of the packed slot next in the mailbox as items of call `id`, in order. */
  #unpack(id: number, status: number): void {
    const responses = this.link.responses;
    // A pack is at most `INLINE_BYTES` long, so it always sits in its slot (`at` >= 0).
    const at = responses.takeRaw();
    // Read before this drain ends: the slot is freed only once it has (`consume`).
    this.#events.numbers(this, id, this.#packs.slot(status, at, responses.lastLength));
  }

  #releaseRead(): void {
    const held = this.#quarantine;
    let kept = 0;
    for (let i = 0; i < held.length; i += 2) {
      if (this.link.aborts.isRead(held[i + 1])) {
        this.#events.release(held[i]);
      } else {
        held[kept++] = held[i];
        held[kept++] = held[i + 1];
      }
    }
    held.length = kept;
  }
}
