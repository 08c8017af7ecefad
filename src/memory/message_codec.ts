/**
 * The message codec: how one message's value becomes bytes in a mailbox and back. The transport
 * gives it a window (a slot's inline area or a payload extent) and moves the bytes; every
 * decision about what the bytes are lives here, fast paths included:
 *
 * - {@linkcode writeSmall}: the values of small calls (numbers, short strings, small byte arrays)
 *   written straight into a slot, without the value codec's set-up or its scratch buffer;
 * - {@linkcode directBound} and {@linkcode writeDirect}: byte arrays and strings too large for a
 *   slot written straight into the payload (one copy instead of two, and none of the value
 *   codec's set-up), non-ASCII strings as UTF-16 where that copies faster (`utf16_copies.ts`);
 * - {@linkcode encodeMessage}: everything else, through the value codec into a scratch buffer,
 *   with the size check every message gets;
 * - {@linkcode readMessage}: the reverse, with the same fast paths first.
 *
 * The bytes are the value codec's (`tags.ts`): a fast path writes exactly what `encodeValue`
 * would, so any reader can read any message.
 *
 * @module
 */

import { copyBytes } from "./byte_copy.ts";
import type { ByteReader } from "./byte_reader.ts";
import { ALIGN_BYTES, type ByteWriter } from "./byte_writer.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import { clearItems, copiesOutOfBand, type OutOfBand, primitiveOutOfBand } from "./out_of_band.ts";
import { decodeStreamHead, encodeStreamHead, type StreamWindows } from "./stream_head.ts";
import { Tag } from "./tags.ts";
import { fitsWide, sendsWide, utf16Copies } from "./utf16_copies.ts";

const encoder = new TextEncoder();
/** A tag and a u32 length: the head of a string or byte array. */
const HEAD_BYTES = 5;
/**
 * Bytes before the own bytes of a value of `ALIGN_BYTES` or more: three `PAD` tags, the tag and
 * the u32 length, so its bytes start 8-aligned, as the value codec writes them (see `Tag.PAD`).
 */
const ALIGNED_HEAD_BYTES = 8;
/** Small byte arrays up to this many bytes are read back with a loop rather than `slice`. */
const COPY_LOOP_BYTES = 64;

/** Bytes before the own bytes of a string of `units` UTF-16 units, or a byte array of `units`. */
function directHead(units: number): number {
  return units >= ALIGN_BYTES ? ALIGNED_HEAD_BYTES : HEAD_BYTES;
}

/**
 * Writes `value` at `at` when it is a small value with a fast path and fits in `room` bytes:
 * a number, a short well-formed string, or a small, whole, plain `Uint8Array` (not being moved).
 * @returns The bytes written, or -1 when the value takes another path (the window may then hold
 *   some of its bytes: it is the producer's until it commits a message there).
 */
export function writeSmall(
  u8: Uint8Array,
  dv: DataView,
  at: number,
  room: number,
  value: unknown,
  oob: OutOfBand | undefined,
): number {
  if (typeof value === "number") {
    if ((value | 0) === value && !Object.is(value, -0)) {
      u8[at] = Tag.INT32;
      dv.setInt32(at + 1, value, true);
      return 5;
    }
    u8[at] = Tag.FLOAT64;
    dv.setFloat64(at + 1, value, true);
    return 9;
  }
  if (typeof value === "string") return writeSmallString(u8, dv, at, room, value);
  // Buffers to move must reach the value codec, which sends them out of band.
  if (value instanceof Uint8Array && oob?.transfer === undefined) {
    return writeSmallBytes(u8, dv, at, room, value);
  }
  return -1;
}

function writeSmallString(
  u8: Uint8Array,
  dv: DataView,
  at: number,
  room: number,
  value: string,
): number {
  const n = value.length;
  if (n > room - HEAD_BYTES) return -1;
  // ASCII, in one pass (then it is well formed and its UTF-8 is its char codes): most small
  // strings. `encodeInto` costs 5-10x more here (a subarray of shared memory, then the call).
  const start = at + HEAD_BYTES;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) break;
    u8[start + i] = c;
  }
  let written = n;
  if (i < n) {
    // Lone surrogates take the value codec's path, which keeps them exactly (UTF-8 would turn
    // them into U+FFFD).
    if (!value.isWellFormed()) return -1;
    const done = encoder.encodeInto(value, u8.subarray(start, at + room));
    if (done.read !== n) return -1;
    written = done.written;
  }
  u8[at] = Tag.STRING;
  dv.setUint32(at + 1, written, true);
  return HEAD_BYTES + written;
}

function writeSmallBytes(
  u8: Uint8Array,
  dv: DataView,
  at: number,
  room: number,
  value: Uint8Array,
): number {
  // The length first: reading `.buffer` costs (see the decoder); then only a view of a whole,
  // plain buffer, as the value codec would send it as `UINT8ARRAY`.
  const n = value.byteLength;
  if (n > room - HEAD_BYTES || value.constructor !== Uint8Array || value.byteOffset !== 0) {
    return -1;
  }
  const buffer = value.buffer;
  if (
    !(buffer instanceof ArrayBuffer) || buffer.resizable || buffer.detached ||
    buffer.byteLength !== n
  ) {
    return -1;
  }
  u8[at] = Tag.UINT8ARRAY;
  dv.setUint32(at + 1, n, true);
  u8.set(value, at + HEAD_BYTES);
  return HEAD_BYTES + n;
}

/**
 * Whether `value` is written straight into the payload: a whole, plain `Uint8Array` or
 * fixed-length `ArrayBuffer`, or a well-formed string, that does not go out of band (any size:
 * the caller tries {@linkcode writeSmall} first).
 * @returns The most bytes {@linkcode writeDirect} may need (at most `max`), or 0 when `value`
 *   takes another path.
 */
export function directBound(value: unknown, oob: OutOfBand | undefined, max: number): number {
  if (typeof value === "string") {
    if (primitiveOutOfBand(oob, value) >= 0) return 0;
    // UTF-16 keeps lone surrogates: no well-formedness check then.
    const wide = wideBound(value, max);
    if (wide > 0) return wide;
    if (!value.isWellFormed()) return 0;
    // Three bytes per UTF-16 unit at most; a string that needs more than `max` is refused by
    // `writeDirect`.
    return Math.min(directHead(value.length) + value.length * 3, max);
  }
  // Buffers to move must reach the value codec, which sends them out of band.
  if (oob?.transfer !== undefined) return 0;
  const bytes = directBytes(value);
  if (bytes === undefined || copiesOutOfBand(oob, bytes.length)) return 0;
  return directHead(bytes.length) + bytes.length;
}

/**
 * The bytes of `value` as a direct `STRING16` when it goes as UTF-16 (see `sendsWide`) and they
 * fit in `max`; else 0. Its units always start 8-aligned, whatever its length: Node decodes
 * units at an odd address through a copy of its own.
 */
function wideBound(value: string, max: number): number {
  if (!sendsWide(value)) return 0;
  const bytes = ALIGNED_HEAD_BYTES + value.length * 2;
  return bytes <= max ? bytes : 0;
}

/** The bytes of a byte array or `ArrayBuffer` that goes direct, or undefined. */
function directBytes(value: unknown): Uint8Array | undefined {
  // Only a view of a whole, plain buffer: the value codec sends a partial view with its buffer
  // (as structuredClone does), and a subclass (Node's Buffer) with only its own bytes.
  if (value instanceof Uint8Array) {
    if (value.constructor !== Uint8Array || value.byteOffset !== 0) return undefined;
    const buffer = value.buffer;
    return buffer instanceof ArrayBuffer && !buffer.resizable && !buffer.detached &&
        value.byteLength === buffer.byteLength
      ? value
      : undefined;
  }
  // A resizable buffer keeps its maximum length through the value codec.
  if (value instanceof ArrayBuffer && !value.resizable && !value.detached) {
    return new Uint8Array(value);
  }
  return undefined;
}

/**
 * Writes a value that {@linkcode directBound} accepted at `at` (8-aligned), in at most `bound`
 * bytes.
 * @returns The bytes written.
 * @throws {RangeError} When a string does not fit in `bound` bytes (it exceeds the maximum).
 */
export function writeDirect(
  u8: Uint8Array,
  dv: DataView,
  at: number,
  bound: number,
  value: unknown,
): number {
  const isString = typeof value === "string";
  // A wide string's bound, told apart without probing it again: a narrow string's bound equals
  // it only when capped at a maximum of exactly that, and UTF-16 then fits too.
  if (isString && bound === ALIGNED_HEAD_BYTES + value.length * 2 && fitsWide(value)) {
    return writeWide(u8, dv, at, value);
  }
  const bytes = isString ? undefined : directBytes(value)!;
  const head = directHead(isString ? value.length : bytes!.length);
  const tagAt = at + head - HEAD_BYTES;
  for (let i = at; i < tagAt; i++) u8[i] = Tag.PAD;
  let n: number;
  if (isString) {
    const done = encoder.encodeInto(value, u8.subarray(at + head, at + bound));
    if (done.read !== value.length) {
      throw new RangeError(
        `Cannot send value: a string of ${value.length} characters does not fit in payloadMaxByteLength (${bound} bytes)`,
      );
    }
    u8[tagAt] = Tag.STRING;
    n = done.written;
  } else {
    u8[tagAt] = value instanceof ArrayBuffer ? Tag.ARRAYBUFFER : Tag.UINT8ARRAY;
    u8.set(bytes!, at + head);
    n = bytes!.length;
  }
  dv.setUint32(tagAt + 1, n, true);
  return head + n;
}

/** Writes `value` at `at` (8-aligned) as an aligned `STRING16`; returns the bytes written. */
function writeWide(u8: Uint8Array, dv: DataView, at: number, value: string): number {
  const tagAt = at + ALIGNED_HEAD_BYTES - HEAD_BYTES;
  for (let i = at; i < tagAt; i++) u8[i] = Tag.PAD;
  u8[tagAt] = Tag.STRING16;
  dv.setUint32(tagAt + 1, value.length, true);
  return ALIGNED_HEAD_BYTES + utf16Copies()!.write(u8, at + ALIGNED_HEAD_BYTES, value);
}

/**
 * Encodes `value` at the start of `w` through the value codec, collecting its out-of-band items
 * in `oob` afresh; with `head`, as the argument of a stream request (see `stream_head.ts`).
 * @throws {TypeError} When the value cannot cross.
 * @throws {RangeError} When it needs more than `max` bytes (out-of-band copies and strings count).
 */
export function encodeMessage(
  w: ByteWriter,
  value: unknown,
  root: string,
  oob: OutOfBand | undefined,
  max: number,
  head?: StreamWindows,
): void {
  w.reset();
  if (oob !== undefined) clearItems(oob);
  if (head === undefined) encodeValue(w, value, root, oob);
  else encodeStreamHead(w, head, value, root, oob);
  let bytes = w.length + (oob?.copied ?? 0);
  if (bytes > max && w.wideBytes > 0) {
    // Strings sent as UTF-16 may have made it too large where UTF-8 would fit: once more, narrow.
    w.narrow = true;
    try {
      encodeMessage(w, value, root, oob, Infinity, head);
    } finally {
      w.narrow = false;
    }
    bytes = w.length + (oob?.copied ?? 0);
  }
  if (bytes > max) {
    if (oob !== undefined) clearItems(oob);
    throw new RangeError(
      `Cannot send ${root}: it needs ${bytes} bytes, more than payloadMaxByteLength (${max} bytes)`,
    );
  }
}

/**
 * Decodes the value of the message at `at` in `bytes` (with `view` over the same buffer), using
 * `r` for anything beyond the fast paths.
 * @param items The message's out-of-band items.
 * @throws {TypeError} When the bytes are not a valid encoding.
 */
export function readMessage(
  r: ByteReader,
  bytes: Uint8Array,
  view: DataView,
  at: number,
  items?: readonly unknown[],
): unknown {
  // The values small calls carry, read without the value codec's per-value set-up.
  const tag = bytes[at];
  if (tag === Tag.INT32) return view.getInt32(at + 1, true);
  if (tag === Tag.FLOAT64) return view.getFloat64(at + 1, true);
  if (tag === Tag.STRING) {
    r.reset(bytes, view, at + 1);
    return r.string();
  }
  if (tag === Tag.UINT8ARRAY) {
    const n = view.getUint32(at + 1, true);
    const from = at + HEAD_BYTES;
    if (n > COPY_LOOP_BYTES) return bytes.slice(from, from + n);
    // Cheaper than a slice at this size.
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = bytes[from + i];
    return out;
  }
  // A message's padding is three tags (it starts 8-aligned; see `Tag.PAD`); any other count is
  // left to the value codec.
  if (tag === Tag.PAD && bytes[at + 1] === Tag.PAD && bytes[at + 2] === Tag.PAD) {
    const out = readAligned(r, bytes, view, at + ALIGNED_HEAD_BYTES - HEAD_BYTES);
    if (out !== NOT_ALIGNED) return out;
  }
  if (tag === Tag.STREAM_HEAD) {
    r.reset(bytes, view, at + 1);
    return decodeStreamHead(r, items);
  }
  r.reset(bytes, view, at);
  return decodeValue(r, items);
}

const NOT_ALIGNED = Symbol("not aligned");

/**
 * Reads an aligned string, byte array or `ArrayBuffer` whose tag is at `at` (kept out of
 * {@linkcode readMessage}, whose small-call prefix stays short enough to inline).
 * @returns The value, or `NOT_ALIGNED` for any other tag.
 */
function readAligned(r: ByteReader, bytes: Uint8Array, view: DataView, at: number): unknown {
  const tag = bytes[at];
  if (tag === Tag.STRING) {
    r.reset(bytes, view, at + 1);
    return r.string();
  }
  if (tag === Tag.STRING16) {
    r.reset(bytes, view, at + 1);
    return r.string16();
  }
  if (tag !== Tag.UINT8ARRAY && tag !== Tag.ARRAYBUFFER) return NOT_ALIGNED;
  const out = copyBytes(bytes, at + HEAD_BYTES, view.getUint32(at + 1, true));
  return tag === Tag.UINT8ARRAY ? out : out.buffer;
}
