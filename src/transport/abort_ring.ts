/**
 * The abort ring: call ids the host has given up on (aborted, or timed out), so that the worker
 * can skip them if they have not started and abort their `ctx.signal` if they have.
 *
 * Concurrency contract: the host is the single producer, the worker the single consumer; the
 * host writes entry `n & (ABORT_RING_COUNT - 1)` only while `n - read < ABORT_RING_COUNT`. The
 * worker reads it from its event loop and also from `ctx.aborted()` inside a running task (one
 * atomic load when nothing is new), so a synchronous loop can see an abort without yielding.
 *
 * @module
 */

import {
  ABORT_READ_I32,
  ABORT_RING_BYTES,
  ABORT_RING_COUNT,
  ABORT_TIMEOUT_BIT,
  ABORT_WRITE_I32,
} from "../memory/layout.ts";

const MASK = ABORT_RING_COUNT - 1;

/** Host side: publishes abort notices. */
export class AbortWriter {
  readonly #i32: Int32Array;
  readonly #ring: Uint32Array;
  #write = 0;
  /** Notices posted so far, written or waiting. */
  #posted = 0;
  /** Notices that found the ring full; written as the worker reads. */
  #waiting: number[] = [];

  constructor(region: SharedArrayBuffer) {
    this.#i32 = new Int32Array(region);
    this.#ring = new Uint32Array(region, ABORT_RING_BYTES, ABORT_RING_COUNT);
  }

  /**
   * Queues the notice that call `id` was given up on and publishes what fits.
   * @returns The notice's number, for {@linkcode AbortWriter.isRead}.
   */
  post(id: number, timedOut: boolean): number {
    this.#waiting.push(timedOut ? (id | ABORT_TIMEOUT_BIT) >>> 0 : id);
    const n = this.#posted;
    this.#posted = (this.#posted + 1) | 0;
    return n;
  }

  /** True once the worker has read notice number `n`. */
  isRead(n: number): boolean {
    return ((Atomics.load(this.#i32, ABORT_READ_I32) - n) | 0) > 0;
  }

  /** Writes waiting notices while the ring has room. @returns true if any was published. */
  flush(): boolean {
    if (this.#waiting.length === 0) return false;
    const read = Atomics.load(this.#i32, ABORT_READ_I32);
    let n = 0;
    while (n < this.#waiting.length && ((this.#write - read) | 0) < ABORT_RING_COUNT) {
      this.#ring[this.#write & MASK] = this.#waiting[n++];
      this.#write = (this.#write + 1) | 0;
    }
    if (n === 0) return false;
    this.#waiting.splice(0, n);
    // Publish: the ring entries written above happen-before any load that observes this count.
    Atomics.store(this.#i32, ABORT_WRITE_I32, this.#write);
    return true;
  }
}

/** Worker side: reads abort notices. */
export class AbortReader {
  readonly #i32: Int32Array;
  readonly #ring: Uint32Array;
  #read = 0;

  constructor(region: SharedArrayBuffer) {
    this.#i32 = new Int32Array(region);
    this.#ring = new Uint32Array(region, ABORT_RING_BYTES, ABORT_RING_COUNT);
  }

  /** True when notices are waiting to be polled. */
  pending(): boolean {
    return Atomics.load(this.#i32, ABORT_WRITE_I32) !== this.#read;
  }

  /**
   * Calls `each(id, timedOut)` for every notice published since the last poll.
   * @returns true when there was any.
   */
  poll(each: (id: number, timedOut: boolean) => void): boolean {
    const write = Atomics.load(this.#i32, ABORT_WRITE_I32);
    if (write === this.#read) return false;
    while (this.#read !== write) {
      const entry = this.#ring[this.#read & MASK];
      this.#read = (this.#read + 1) | 0;
      each((entry & ~ABORT_TIMEOUT_BIT) >>> 0, (entry & ABORT_TIMEOUT_BIT) !== 0);
    }
    // Publish: the entries read above may be overwritten by the host from here on.
    Atomics.store(this.#i32, ABORT_READ_I32, this.#read);
    return true;
  }
}
