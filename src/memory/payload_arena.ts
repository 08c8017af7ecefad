/**
 * Producer-side allocator for one payload buffer (one direction of a link).
 *
 * Contract: one producer allocates, one consumer reads. The consumer frees nothing itself: it
 * only publishes how many messages it has consumed (its read count), and the producer releases
 * every extent whose message number is below that count. Messages are consumed in the order they
 * were published, so live extents form a FIFO; the allocator places each new extent after the
 * newest one, wrapping to offset 0 when the end is reached:
 *
 * ```
 * not wrapped:  [ free | oldest ... newest | free ]      -> try the end, then the start, then grow
 * wrapped:      [ ... newest | free | oldest ... ]       -> only the gap between them
 * ```
 *
 * The buffer is a growable `SharedArrayBuffer`; only the producer grows it, and only while the
 * live extents are not wrapped, so growth never moves a live byte. The producer should release
 * what the consumer has read before each `alloc`: otherwise extents that are already free keep
 * the buffer growing, and every message lands in memory that is not in the cache any more.
 *
 * @module
 */

import { PAYLOAD_ALIGN_BYTES } from "./layout.ts";

/** Returned by {@linkcode PayloadArena.alloc} when there is no room until the consumer reads. */
export const NO_SPACE = -1;

function align(n: number): number {
  return (n + PAYLOAD_ALIGN_BYTES - 1) & ~(PAYLOAD_ALIGN_BYTES - 1);
}

/** Allocates extents of a growable shared payload buffer for one producer. */
export class PayloadArena {
  readonly buffer: SharedArrayBuffer;
  /** Live extents as flat triples [start, end, message], oldest first from `#first`. */
  #live: number[] = [];
  #first = 0;

  /**
   * @param buffer A growable `SharedArrayBuffer` (its `maxByteLength` bounds every value).
   */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
  }

  /** Largest value the buffer can ever hold, in bytes. */
  get maxByteLength(): number {
    return this.buffer.maxByteLength;
  }

  /** Live extents (for tests and stats). */
  get liveCount(): number {
    return (this.#live.length - this.#first) / 3;
  }

  /**
   * Releases every extent that belongs to a message the consumer has read.
   * @param consumed The consumer's read count; message numbers wrap at 2^32 like it does.
   */
  release(consumed: number): void {
    const live = this.#live;
    let i = this.#first;
    // (message - consumed) | 0 < 0 means the message is older than the read count, mod 2^32.
    while (i < live.length && ((live[i + 2] - consumed) | 0) < 0) i += 3;
    if (i === live.length) {
      live.length = 0;
      this.#first = 0;
    } else if (i > 64 && i * 2 > live.length) {
      live.splice(0, i);
      this.#first = 0;
    } else {
      this.#first = i;
    }
  }

  /**
   * Reserves `bytes` bytes for message number `message`.
   * @returns The byte offset, or {@linkcode NO_SPACE} while live extents leave no room.
   * @throws {RangeError} When `bytes` exceeds the buffer's `maxByteLength`.
   */
  alloc(bytes: number, message: number): number {
    const size = align(Math.max(bytes, 1));
    const max = this.buffer.maxByteLength;
    if (bytes > max) {
      throw new RangeError(
        `Cannot send value: it needs ${bytes} bytes, more than payloadMaxByteLength (${max} bytes)`,
      );
    }
    const live = this.#live;
    let at: number;
    if (this.#first === live.length) {
      at = 0;
      if (size > this.buffer.byteLength) this.#grow(size);
    } else {
      const oldest = live[this.#first];
      const head = live[live.length - 2];
      const wrapped = head <= oldest;
      if (wrapped) {
        if (head + size > oldest) return NO_SPACE;
        at = head;
      } else if (head + size <= this.buffer.byteLength) {
        at = head;
      } else if (size <= oldest) {
        at = 0;
      } else if (head + size <= max) {
        this.#grow(head + size);
        at = head;
      } else {
        return NO_SPACE;
      }
    }
    live.push(at, at + size, message);
    return at;
  }

  /** Gives back the newest extent (its message was not sent after all). */
  cancelNewest(): void {
    this.#live.length -= 3;
    if (this.#live.length === this.#first) {
      this.#live.length = 0;
      this.#first = 0;
    }
  }

  /**
   * Shrinks the newest extent once its real size is known (it was reserved at an upper bound).
   * @param bytes The bytes actually written.
   */
  trimNewest(bytes: number): void {
    const live = this.#live;
    const start = live[live.length - 3];
    live[live.length - 2] = start + align(Math.max(bytes, 1));
  }

  #grow(minBytes: number): void {
    const max = this.buffer.maxByteLength;
    let next = Math.max(this.buffer.byteLength * 2, 4096);
    while (next < minBytes) next *= 2;
    this.buffer.grow(Math.min(next, max));
  }
}
