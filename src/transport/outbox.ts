/**
 * The producing end of one mailbox: writes messages into slots (small values inline, larger ones
 * in the direction's payload buffer) and publishes them.
 *
 * Concurrency contract: exactly one thread owns an `Outbox` (the host for requests, the worker
 * for responses) and exactly one thread owns the matching `Inbox`. The producer writes slot
 * `n & (SLOT_COUNT - 1)` only while `n - read < SLOT_COUNT`, where `read` is the consumer's
 * published read count, so a slot is never written while the consumer may still read it. Nothing
 * here blocks or waits; "no space" is an answer, and the caller decides what to do with it.
 *
 * It moves bytes only: what a value becomes, and which values skip the scratch buffer (small ones
 * into the slot, byte arrays and strings too large for it straight into the payload), is the
 * message codec's decision (`src/memory/message_codec.ts`).
 *
 * @module
 */

import { ByteWriter } from "../memory/byte_writer.ts";
import {
  INLINE_BYTES,
  INLINE_OFFSET,
  OUT_OF_BAND_BIT,
  SLOT_BYTES,
  SLOT_COUNT,
  SLOT_HEADER_BYTES,
  SLOT_ID_U32,
  SLOT_LENGTH_U32,
  SLOT_META_U32,
  SLOT_OFFSET_U32,
} from "../memory/layout.ts";
import { directBound, encodeMessage, writeDirect, writeSmall } from "../memory/message_codec.ts";
import { clearItems, type OutOfBand } from "../memory/out_of_band.ts";
import { NO_SPACE, PayloadArena } from "../memory/payload_arena.ts";
import { fixedBytes } from "../memory/region.ts";

const SLOT_MASK = SLOT_COUNT - 1;
/** Messages, and bytes, written but not published after which the producer should publish. */
const EARLY_PUBLISH_MESSAGES = 16;
const EARLY_PUBLISH_BYTES = 64 * 1024;

/** Where one direction's words and slots sit in a region. */
export interface MailboxPlace {
  /** Byte offset of slot 0. */
  slotsBytes: number;
  /** Index of the producer's write count. */
  writeI32: number;
  /** Index of the consumer's read count. */
  readI32: number;
}

/** Producer side of a mailbox. */
export class Outbox {
  readonly #i32: Int32Array;
  readonly #u32: Uint32Array;
  readonly #u8: Uint8Array;
  readonly #dv: DataView;
  readonly #place: MailboxPlace;
  readonly #arena: PayloadArena;
  readonly #payloadBuffer: SharedArrayBuffer;
  #payload: Uint8Array;
  #payloadView: DataView;
  readonly #scratch = new ByteWriter();
  /** Messages written so far (the next message number). */
  #write = 0;
  /** Last read count seen from the consumer. */
  #read = 0;
  #published = 0;
  /** Payload and out-of-band bytes written since the last publish. */
  #unpublishedBytes = 0;
  /** Encoded bytes of the last message written (inline or in the payload). */
  lastBytes = 0;

  /**
   * @param region The link's control region.
   * @param payload This direction's growable payload buffer.
   * @param place Where this direction's words and slots are.
   */
  constructor(region: SharedArrayBuffer, payload: SharedArrayBuffer, place: MailboxPlace) {
    this.#i32 = new Int32Array(region);
    this.#u32 = new Uint32Array(region);
    this.#u8 = new Uint8Array(region);
    this.#dv = new DataView(region);
    this.#place = place;
    this.#arena = new PayloadArena(payload);
    this.#payloadBuffer = payload;
    this.#payload = fixedBytes(payload);
    this.#payloadView = new DataView(payload, 0, payload.byteLength);
  }

  /** Messages written but not yet consumed, as far as this side has seen. */
  get unread(): number {
    return (this.#write - this.#read) | 0;
  }

  /** Largest value in bytes that the payload buffer can hold. */
  get maxByteLength(): number {
    return this.#arena.maxByteLength;
  }

  /** Messages written and not yet published. */
  get unpublished(): number {
    return (this.#write - this.#published) | 0;
  }

  /**
   * True once enough was written since the last publish that the consumer should get it now,
   * while the producer goes on writing: a long batch, or large values (the consumer then works
   * on the first while the producer encodes the next, instead of taking turns batch by batch).
   */
  wantsPublish(): boolean {
    return this.unpublished >= EARLY_PUBLISH_MESSAGES ||
      this.#unpublishedBytes >= EARLY_PUBLISH_BYTES;
  }

  /** Messages written so far (the number the next one gets). */
  get written(): number {
    return this.#write;
  }

  /** The consumer's read count, as published. */
  consumerRead(): number {
    return Atomics.load(this.#i32, this.#place.readI32);
  }

  /** Re-reads the consumer's read count and frees what it has consumed. */
  refresh(): void {
    const read = Atomics.load(this.#i32, this.#place.readI32);
    if (read !== this.#read) {
      this.#read = read;
      this.#arena.release(read);
    }
  }

  /** True when a slot is free (re-reading the consumer's count if needed). */
  hasSlot(): boolean {
    if (((this.#write - this.#read) | 0) < SLOT_COUNT) return true;
    this.refresh();
    return ((this.#write - this.#read) | 0) < SLOT_COUNT;
  }

  /**
   * Encodes `value` and writes it as the next message.
   * @returns false when no slot or payload space is free: nothing was written; call
   *   {@linkcode Outbox.snapshot} to keep the value's bytes and retry with `putEncoded`.
   * @throws {TypeError} When the value cannot cross. {RangeError} When it exceeds the max size.
   */
  put(id: number, meta: number, value: unknown, root: string, oob?: OutOfBand): boolean {
    if (oob !== undefined) clearItems(oob);
    if (!this.hasSlot()) {
      this.#encodeScratch(value, root, oob);
      return false;
    }
    const slot = this.#place.slotsBytes + (this.#write & SLOT_MASK) * SLOT_BYTES;
    const small = writeSmall(
      this.#u8,
      this.#dv,
      slot + SLOT_HEADER_BYTES,
      INLINE_BYTES,
      value,
      oob,
    );
    if (small >= 0) {
      this.#commit(slot, id, meta, small, INLINE_OFFSET);
      return true;
    }
    const bound = directBound(value, oob, this.#arena.maxByteLength);
    if (bound > 0) {
      const at = this.#alloc(bound);
      if (at !== NO_SPACE) {
        this.#putDirect(slot, id, meta, value, at, bound);
        return true;
      }
      // No room for the bound while other large messages are in flight: the exact size,
      // through the scratch buffer, often fits.
    }
    this.#encodeScratch(value, root, oob);
    if (oob !== undefined && oob.items.length > 0) {
      meta |= OUT_OF_BAND_BIT;
      this.#unpublishedBytes += oob.copied;
    }
    return this.#putBytes(slot, id, meta, this.#scratch.bytes, this.#scratch.length);
  }

  /**
   * Encodes `value` without writing it anywhere, for a message that must wait for space.
   * @throws {TypeError} When the value cannot cross.
   */
  encode(value: unknown, root: string, oob?: OutOfBand): Uint8Array {
    this.#encodeScratch(value, root, oob);
    return this.snapshot();
  }

  /** A copy of the bytes of the last value that `put` refused for lack of space. */
  snapshot(): Uint8Array {
    return this.#scratch.bytes.slice(0, this.#scratch.length);
  }

  /**
   * Writes a value encoded earlier (see {@linkcode Outbox.snapshot}), or bytes its consumer reads
   * raw ({@linkcode Inbox.takeRaw}): the first `length` of `bytes`.
   * @returns false when no slot or payload space is free.
   */
  putEncoded(id: number, meta: number, bytes: Uint8Array, length = bytes.length): boolean {
    if (!this.hasSlot()) return false;
    const slot = this.#place.slotsBytes + (this.#write & SLOT_MASK) * SLOT_BYTES;
    return this.#putBytes(slot, id, meta, bytes, length);
  }

  /**
   * Copies back the messages numbered `from` up to the last one written (the consumer has not
   * taken them), for re-sending elsewhere after the consumer died.
   */
  salvage(from: number): { id: number; meta: number; bytes: Uint8Array }[] {
    const out: { id: number; meta: number; bytes: Uint8Array }[] = [];
    for (let n = from; n !== this.#write; n = (n + 1) | 0) {
      const slot = this.#place.slotsBytes + (n & SLOT_MASK) * SLOT_BYTES;
      const h = slot >> 2;
      const length = this.#u32[h + SLOT_LENGTH_U32];
      const offset = this.#u32[h + SLOT_OFFSET_U32];
      const bytes = offset === INLINE_OFFSET
        ? this.#u8.slice(slot + SLOT_HEADER_BYTES, slot + SLOT_HEADER_BYTES + length)
        : this.#payload.slice(offset, offset + length);
      out.push({ id: this.#u32[h + SLOT_ID_U32], meta: this.#u32[h + SLOT_META_U32], bytes });
    }
    return out;
  }

  /**
   * Makes every message written so far visible to the consumer.
   * @returns true when there was anything new to publish.
   */
  publish(): boolean {
    if (this.#published === this.#write) return false;
    this.#published = this.#write;
    this.#unpublishedBytes = 0;
    // Publish: every slot and payload byte written above happens-before any load of this count.
    Atomics.store(this.#i32, this.#place.writeI32, this.#write);
    return true;
  }

  #encodeScratch(value: unknown, root: string, oob?: OutOfBand): void {
    encodeMessage(this.#scratch, value, root, oob, this.#arena.maxByteLength);
  }

  #putBytes(slot: number, id: number, meta: number, bytes: Uint8Array, n: number): boolean {
    if (n <= INLINE_BYTES) {
      this.#u8.set(n === bytes.length ? bytes : bytes.subarray(0, n), slot + SLOT_HEADER_BYTES);
      this.#commit(slot, id, meta, n, INLINE_OFFSET);
      return true;
    }
    const at = this.#alloc(n);
    if (at === NO_SPACE) return false;
    this.#payload.set(n === bytes.length ? bytes : bytes.subarray(0, n), at);
    this.#commit(slot, id, meta, n, at);
    return true;
  }

  /** Writes a value that goes straight into the payload at `at`, where `bound` bytes are held. */
  #putDirect(
    slot: number,
    id: number,
    meta: number,
    value: unknown,
    at: number,
    bound: number,
  ): void {
    let n: number;
    try {
      n = writeDirect(this.#payload, this.#payloadView, at, bound, value);
    } catch (err) {
      this.#arena.cancelNewest();
      throw err;
    }
    if (n < bound) this.#arena.trimNewest(n);
    this.#commit(slot, id, meta, n, at);
  }

  #alloc(n: number): number {
    // Free what the consumer has read first: the arena then grows only when the messages in
    // flight need the room, and reuses memory that is still in the cache. Without this it grew
    // to its maximum, spreading messages over cold memory (a 1 MiB echo ran 3x slower).
    this.refresh();
    const at = this.#arena.alloc(n, this.#write);
    // The arena may have grown the buffer: fixed views must be made again to reach the new end.
    if (this.#payload.length !== this.#payloadBuffer.byteLength) {
      this.#payload = fixedBytes(this.#payloadBuffer);
      this.#payloadView = new DataView(this.#payloadBuffer, 0, this.#payloadBuffer.byteLength);
    }
    return at;
  }

  #commit(slot: number, id: number, meta: number, length: number, offset: number): void {
    const u32 = this.#u32;
    const h = slot >> 2;
    u32[h + SLOT_ID_U32] = id;
    u32[h + SLOT_META_U32] = meta;
    u32[h + SLOT_LENGTH_U32] = length;
    u32[h + SLOT_OFFSET_U32] = offset;
    this.lastBytes = length;
    if (offset !== INLINE_OFFSET) this.#unpublishedBytes += length;
    this.#write = (this.#write + 1) | 0;
  }
}
