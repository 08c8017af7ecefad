/**
 * The host's side of one worker: its link, its thread, and the wait for its responses.
 *
 * The host never blocks: while calls are in flight on a lane it keeps exactly one
 * `Atomics.waitAsync` armed on the lane's bell, drains every ready response in one pass when it
 * fires, and re-arms. The wait carries a long safety timeout, so a lost wake-up (seen once in a
 * Node 24 probe) costs latency and is counted, never a hang.
 *
 * @module
 */

import { ResponseStatus } from "../memory/layout.ts";
import type { WorkerHandle } from "../runtime/adapter.ts";
import type { HostLink } from "../transport/link.ts";

/** Milliseconds after which a host wait re-checks the mailbox even without a wake-up. */
export const SAFETY_WAIT_MS = 1000;

/** What a lane reports to its pool. */
export interface LaneEvents {
  /** A response arrived for call `id`. */
  settle(id: number, ok: boolean, value: unknown): void;
  /** Request space may have been freed. */
  space(lane: Lane): void;
}

/** Host side of one worker. */
export class Lane {
  readonly index: number;
  readonly link: HostLink;
  readonly handle: WorkerHandle;
  readonly #events: LaneEvents;
  /** Calls written to this lane and not yet answered. */
  #inFlight = 0;
  #waiting = false;
  #wantsSpace = false;
  #alive = true;
  /** Safety timeouts that found responses waiting: lost wake-ups. */
  lostWakeups = 0;
  readonly #onWake = (result: string) => this.#wake(result);

  constructor(index: number, link: HostLink, handle: WorkerHandle, events: LaneEvents) {
    this.index = index;
    this.link = link;
    this.handle = handle;
    this.#events = events;
  }

  /** Calls written to this lane and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** False once the worker is gone. */
  get alive(): boolean {
    return this.#alive;
  }

  /** True when the request mailbox has a free slot. */
  hasSlot(): boolean {
    return this.#alive && this.link.requests.hasSlot();
  }

  /**
   * Writes a call. Published by the next {@linkcode Lane.publish}.
   * @returns false when no space was free.
   * @throws {TypeError | RangeError} When the argument cannot cross.
   */
  put(id: number, task: number, arg: unknown): boolean {
    if (!this.link.requests.put(id, task, arg, "arg")) return false;
    this.#sent();
    return true;
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
    if (this.#wantsSpace === wants) return;
    this.#wantsSpace = wants;
    this.link.setWantsSpace(wants);
    if (wants) this.#arm();
  }

  /** Publishes the calls written since the last publish, wakes the worker, and waits. */
  publish(): void {
    this.link.publish();
    this.#arm();
  }

  /** The worker is gone: stop waiting on it. */
  dead(): void {
    this.#alive = false;
    if (this.#inFlight > 0) this.handle.unref();
    this.#inFlight = 0;
  }

  #sent(): void {
    if (this.#inFlight++ === 0) this.handle.ref();
  }

  #arm(): void {
    if (this.#waiting || !this.#alive || (this.#inFlight === 0 && !this.#wantsSpace)) return;
    const bell = this.link.prepareWait(this.#wantsSpace);
    this.#waiting = true;
    if (bell === -1) queueMicrotask(() => this.#wake("ready"));
    else this.link.waitAsync(bell, SAFETY_WAIT_MS, this.#onWake);
  }

  #wake(result: string): void {
    this.#waiting = false;
    if (!this.#alive) return;
    this.link.running();
    const drained = this.#drain();
    if (result === "timed-out" && drained > 0) this.lostWakeups++;
    if (this.#wantsSpace) this.#events.space(this);
    this.#arm();
  }

  /** Settles every response that is ready; returns how many. */
  #drain(): number {
    const responses = this.link.responses;
    const n = responses.available();
    if (n === 0) return 0;
    const events = this.#events;
    for (let i = 0; i < n; i++) {
      responses.peek();
      const id = responses.id;
      let ok = responses.meta === ResponseStatus.OK;
      let value: unknown;
      try {
        value = responses.take();
      } catch (err) {
        ok = false;
        value = err;
      }
      events.settle(id, ok, value);
    }
    // Publish: the response slots and payload read above may be reused by the worker.
    responses.consume();
    if (this.link.workerWantsSpace()) this.link.wakeWorker();
    this.#inFlight -= n;
    if (this.#inFlight === 0) this.handle.unref();
    return n;
  }
}
