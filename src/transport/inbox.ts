/**
 * The consuming end of one mailbox: reads the messages the matching {@linkcode Outbox} published,
 * in order, and publishes how many it has consumed so the producer can reuse slots and payload.
 *
 * It moves bytes only: what they mean is the message codec's (`src/memory/message_codec.ts`).
 *
 * Concurrency contract: one consumer thread. It reads slot `n & (SLOT_COUNT - 1)` only for
 * `n < write` (the producer's published count), and every value it hands out is a copy, so after
 * {@linkcode Inbox.consume} publishes the read count the producer may overwrite the slot at once.
 *
 * @module
 */

import { ByteReader } from "../memory/byte_reader.ts";
import { readMessage } from "../memory/message_codec.ts";
import { fixedBytes } from "../memory/region.ts";
import {
  INLINE_OFFSET,
  SLOT_BYTES,
  SLOT_COUNT,
  SLOT_HEADER_BYTES,
  SLOT_ID_U32,
  SLOT_LENGTH_U32,
  SLOT_META_U32,
  SLOT_OFFSET_U32,
} from "../memory/layout.ts";
import type { MailboxPlace } from "./outbox.ts";

const SLOT_MASK = SLOT_COUNT - 1;

/** Consumer side of a mailbox. */
export class Inbox {
  readonly #i32: Int32Array;
  readonly #u32: Uint32Array;
  readonly #u8: Uint8Array;
  readonly #dv: DataView;
  readonly #place: MailboxPlace;
  readonly #payloadBuffer: SharedArrayBuffer;
  #payload: Uint8Array;
  #payloadView: DataView;
  readonly #reader = new ByteReader(true);
  /** Messages consumed so far. */
  #read = 0;
  #published = 0;
  /** Payload bytes of the messages taken so far (wraps; compare differences). */
  bytesTaken = 0;
  /** Encoded bytes of the message last taken (inline or not): what its producer counted. */
  lastLength = 0;
  /** Header fields of the message at `#read`, filled by {@linkcode Inbox.peek}. */
  id = 0;
  meta = 0;

  /**
   * @param region The link's control region.
   * @param payload This direction's payload buffer.
   * @param place Where this direction's words and slots are.
   */
  constructor(region: SharedArrayBuffer, payload: SharedArrayBuffer, place: MailboxPlace) {
    this.#i32 = new Int32Array(region);
    this.#u32 = new Uint32Array(region);
    this.#u8 = new Uint8Array(region);
    this.#dv = new DataView(region);
    this.#place = place;
    this.#payloadBuffer = payload;
    this.#payload = fixedBytes(payload);
    this.#payloadView = new DataView(payload, 0, payload.byteLength);
  }

  /** Messages consumed so far. */
  get consumed(): number {
    return this.#read;
  }

  /** Messages published by the producer and not yet consumed. */
  available(): number {
    return (Atomics.load(this.#i32, this.#place.writeI32) - this.#read) | 0;
  }

  /** Loads the header of the next message into `id` and `meta`. Call only when available. */
  peek(): void {
    const h = (this.#place.slotsBytes + (this.#read & SLOT_MASK) * SLOT_BYTES) >> 2;
    this.id = this.#u32[h + SLOT_ID_U32];
    this.meta = this.#u32[h + SLOT_META_U32];
  }

  /**
   * Decodes the value of the next message and moves past it (the read count is published later
   * by {@linkcode Inbox.consume}).
   * @throws {TypeError} When the bytes are not a valid encoding.
   */
  take(items?: readonly unknown[]): unknown {
    const slot = this.#place.slotsBytes + (this.#read & SLOT_MASK) * SLOT_BYTES;
    const h = slot >> 2;
    const length = this.#u32[h + SLOT_LENGTH_U32];
    const offset = this.#u32[h + SLOT_OFFSET_U32];
    this.#read = (this.#read + 1) | 0;
    this.lastLength = length;
    if (offset === INLINE_OFFSET) {
      return readMessage(this.#reader, this.#u8, this.#dv, slot + SLOT_HEADER_BYTES, items);
    }
    this.bytesTaken = (this.bytesTaken + length) | 0;
    if (offset + length > this.#payload.length) this.#reattach();
    return readMessage(this.#reader, this.#payload, this.#payloadView, offset, items);
  }

  /**
   * Moves past the next message without decoding it, for a consumer that reads its bytes itself
   * (they stay valid until {@linkcode Inbox.consume}); `lastLength` is its length.
   * @returns The byte offset of its bytes in the region, or -1 when they are in the payload buffer.
   */
  takeRaw(): number {
    const slot = this.#place.slotsBytes + (this.#read & SLOT_MASK) * SLOT_BYTES;
    const h = slot >> 2;
    this.lastLength = this.#u32[h + SLOT_LENGTH_U32];
    this.#read = (this.#read + 1) | 0;
    return this.#u32[h + SLOT_OFFSET_U32] === INLINE_OFFSET ? slot + SLOT_HEADER_BYTES : -1;
  }

  /** True when a published, not yet taken message carries call id `id`. */
  holds(id: number): boolean {
    const end = Atomics.load(this.#i32, this.#place.writeI32);
    for (let n = this.#read; n !== end; n = (n + 1) | 0) {
      const h = (this.#place.slotsBytes + (n & SLOT_MASK) * SLOT_BYTES) >> 2;
      if (this.#u32[h + SLOT_ID_U32] === id) return true;
    }
    return false;
  }

  /** Moves past the next message without decoding it. */
  skip(): void {
    this.#read = (this.#read + 1) | 0;
  }

  /**
   * Publishes the read count so the producer may reuse the slots and payload read so far.
   * @returns true when the count changed.
   */
  consume(): boolean {
    if (this.#published === this.#read) return false;
    this.#published = this.#read;
    // Publish: every read of the consumed slots and payload happened before this store.
    Atomics.store(this.#i32, this.#place.readI32, this.#read);
    return true;
  }

  /** The producer grew the payload buffer; make views that cover the new length. */
  #reattach(): void {
    this.#payload = fixedBytes(this.#payloadBuffer);
    this.#payloadView = new DataView(this.#payloadBuffer, 0, this.#payloadBuffer.byteLength);
  }
}
