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
 * Why one file of over 400 lines: besides the slot and payload bookkeeping, it holds the writes
 * that skip the codec's scratch buffer (numbers, short strings and small byte arrays inline;
 * large byte arrays and strings straight into the payload). Those write the slot header, reserve
 * and trim payload extents and fall back to a snapshot when space runs out, all under the
 * ownership contract above; split into another module, each would need this class's private
 * views, write count and arena opened up to it, and the contract would no longer be checkable in
 * one place.
 *
 * @module
 */

import { ByteWriter } from "../memory/byte_writer.ts";
import { encodeValue } from "../memory/codec.ts";
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
import {
  clearItems,
  copiesOutOfBand,
  type OutOfBand,
  primitiveOutOfBand,
} from "../memory/out_of_band.ts";
import { NO_SPACE, PayloadArena } from "../memory/payload_arena.ts";
import { fixedBytes } from "../memory/region.ts";
import { Tag } from "../memory/tags.ts";

const encoder = new TextEncoder();
/** Values at least this large skip the scratch buffer and are encoded straight into the payload. */
const DIRECT_BYTES = 4096;
const SLOT_MASK = SLOT_COUNT - 1;
const DIRECT_WRITTEN = 1;
const DIRECT_SKIPPED = 0;
const DIRECT_NO_SPACE = -1;
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
    const inline = slot + SLOT_HEADER_BYTES;
    if (typeof value === "number") {
      const dv = this.#dv;
      if ((value | 0) === value && !Object.is(value, -0)) {
        this.#u8[inline] = Tag.INT32;
        dv.setInt32(inline + 1, value, true);
        this.#commit(slot, id, meta, 5, INLINE_OFFSET);
      } else {
        this.#u8[inline] = Tag.FLOAT64;
        dv.setFloat64(inline + 1, value, true);
        this.#commit(slot, id, meta, 9, INLINE_OFFSET);
      }
      return true;
    }
    // Strings with lone surrogates take the codec's path, which keeps them exactly (UTF-8
    // would turn them into U+FFFD).
    if (typeof value === "string" && value.length <= INLINE_BYTES - 5 && value.isWellFormed()) {
      const { read, written } = encoder.encodeInto(
        value,
        this.#u8.subarray(inline + 5, inline + INLINE_BYTES),
      );
      if (read === value.length) {
        this.#u8[inline] = Tag.STRING;
        this.#dv.setUint32(inline + 1, written, true);
        this.#commit(slot, id, meta, 5 + written, INLINE_OFFSET);
        return true;
      }
    }
    // Buffers to move must reach the codec, which sends them out of band.
    if (oob?.transfer === undefined) {
      if (this.#putSmallBytes(slot, id, meta, value)) return true;
      const direct = this.#putDirect(slot, id, meta, value, root, oob);
      if (direct !== DIRECT_SKIPPED) return direct === DIRECT_WRITTEN;
    }
    this.#encodeScratch(value, root, oob);
    if (oob !== undefined && oob.items.length > 0) {
      meta |= OUT_OF_BAND_BIT;
      this.#unpublishedBytes += oob.copied;
    }
    return this.#putBytes(slot, id, meta, this.#scratch.bytes, this.#scratch.length);
  }

  /**
   * A small, whole, plain `Uint8Array` at the top level goes inline without the codec's set-up,
   * as `UINT8ARRAY`: small binary messages are common.
   * @returns false when `value` is not one (nothing was written).
   */
  #putSmallBytes(slot: number, id: number, meta: number, value: unknown): boolean {
    if (
      !(value instanceof Uint8Array) || value.byteLength > INLINE_BYTES - 5 ||
      value.constructor !== Uint8Array || value.byteOffset !== 0
    ) {
      return false;
    }
    const buffer = value.buffer;
    if (
      !(buffer instanceof ArrayBuffer) || buffer.resizable || buffer.detached ||
      buffer.byteLength !== value.byteLength
    ) {
      return false;
    }
    const inline = slot + SLOT_HEADER_BYTES;
    this.#u8[inline] = Tag.UINT8ARRAY;
    this.#dv.setUint32(inline + 1, value.byteLength, true);
    this.#u8.set(value, inline + 5);
    this.#commit(slot, id, meta, 5 + value.byteLength, INLINE_OFFSET);
    return true;
  }

  /**
   * Encodes `value` without writing it anywhere, for a message that must wait for space.
   * @throws {TypeError} When the value cannot cross.
   */
  encode(value: unknown, root: string, oob?: OutOfBand): Uint8Array {
    if (oob !== undefined) clearItems(oob);
    this.#encodeScratch(value, root, oob);
    return this.snapshot();
  }

  /** A copy of the bytes of the last value that `put` refused for lack of space. */
  snapshot(): Uint8Array {
    return this.#scratch.bytes.slice(0, this.#scratch.length);
  }

  /**
   * Writes a value encoded earlier (see {@linkcode Outbox.snapshot}).
   * @returns false when no slot or payload space is free.
   */
  putEncoded(id: number, meta: number, bytes: Uint8Array): boolean {
    if (!this.hasSlot()) return false;
    const slot = this.#place.slotsBytes + (this.#write & SLOT_MASK) * SLOT_BYTES;
    return this.#putBytes(slot, id, meta, bytes, bytes.length);
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
    this.#scratch.reset();
    encodeValue(this.#scratch, value, root, oob);
    const max = this.#arena.maxByteLength;
    // Copies and strings sent out of band count as if they were in the payload.
    const bytes = this.#scratch.length + (oob?.copied ?? 0);
    if (bytes > max) {
      if (oob !== undefined) clearItems(oob);
      throw new RangeError(
        `Cannot send ${root}: it needs ${bytes} bytes, more than payloadMaxByteLength (${max} bytes)`,
      );
    }
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

  /**
   * Large bytes and strings go straight into the payload: one copy instead of two.
   * @returns DIRECT_WRITTEN, DIRECT_SKIPPED (not a direct value), or DIRECT_NO_SPACE (the
   *   value's bytes are left in the scratch buffer for a snapshot).
   */
  #putDirect(
    slot: number,
    id: number,
    meta: number,
    value: unknown,
    root: string,
    oob: OutOfBand | undefined,
  ): number {
    let bytes: Uint8Array | undefined;
    let tag: number = Tag.UINT8ARRAY;
    // Only a view of a whole, plain buffer: the codec sends a partial view with its buffer (as
    // structuredClone does), and a subclass (Node's Buffer) with only its own bytes.
    // The length first: small arrays are common, and reading `.buffer` costs (see the decoder).
    if (
      value instanceof Uint8Array && value.byteLength >= DIRECT_BYTES &&
      value.constructor === Uint8Array && value.byteOffset === 0 &&
      value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer &&
      !value.buffer.resizable
    ) {
      bytes = value;
    } else if (value instanceof ArrayBuffer) {
      bytes = new Uint8Array(value);
      tag = Tag.ARRAYBUFFER;
    } else if (
      typeof value === "string" && value.length >= DIRECT_BYTES &&
      primitiveOutOfBand(oob, value) < 0 && value.isWellFormed()
    ) {
      return this.#putDirectString(slot, id, meta, value, root);
    }
    if (
      bytes === undefined || bytes.length < DIRECT_BYTES || copiesOutOfBand(oob, bytes.length)
    ) {
      return DIRECT_SKIPPED;
    }
    // Three PAD tags, then the tag and the length: the bytes start 8-aligned (`Tag.PAD`).
    const n = bytes.length + 8;
    const at = this.#alloc(n);
    if (at === NO_SPACE) {
      this.#scratch.reset();
      this.#scratch.alignForBytes(Tag.PAD);
      this.#scratch.u8(tag);
      this.#scratch.u32(bytes.length);
      this.#scratch.raw(bytes);
      return DIRECT_NO_SPACE;
    }
    this.#payload[at] = Tag.PAD;
    this.#payload[at + 1] = Tag.PAD;
    this.#payload[at + 2] = Tag.PAD;
    this.#payload[at + 3] = tag;
    this.#payloadView.setUint32(at + 4, bytes.length, true);
    this.#payload.set(bytes, at + 8);
    this.#commit(slot, id, meta, n, at);
    return DIRECT_WRITTEN;
  }

  #putDirectString(
    slot: number,
    id: number,
    meta: number,
    value: string,
    root: string,
  ): number {
    // Three PAD tags, then the tag and the length: the UTF-8 starts 8-aligned (`Tag.PAD`).
    const max = this.#arena.maxByteLength;
    const bound = Math.min(8 + value.length * 3, max);
    const at = this.#alloc(bound);
    if (at === NO_SPACE) {
      // No room for the worst case (three bytes per character) while other large messages are
      // in flight: encode it with the codec (which also refuses a string larger than the
      // maximum) and place its exact size, which often fits.
      this.#encodeScratch(value, root);
      const placed = this.#putBytes(slot, id, meta, this.#scratch.bytes, this.#scratch.length);
      return placed ? DIRECT_WRITTEN : DIRECT_NO_SPACE;
    }
    const { read, written } = encoder.encodeInto(
      value,
      this.#payload.subarray(at + 8, at + bound),
    );
    if (read !== value.length) {
      this.#arena.cancelNewest();
      throw new RangeError(
        `Cannot send value: a string of ${value.length} characters does not fit in payloadMaxByteLength (${max} bytes)`,
      );
    }
    this.#payload[at] = Tag.PAD;
    this.#payload[at + 1] = Tag.PAD;
    this.#payload[at + 2] = Tag.PAD;
    this.#payload[at + 3] = Tag.STRING;
    this.#payloadView.setUint32(at + 4, written, true);
    this.#arena.trimNewest(8 + written);
    this.#commit(slot, id, meta, 8 + written, at);
    return DIRECT_WRITTEN;
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
    if (offset !== INLINE_OFFSET) this.#unpublishedBytes += length;
    this.#write = (this.#write + 1) | 0;
  }
}
