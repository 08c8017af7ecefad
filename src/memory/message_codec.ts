/**
 * The message codec: how one message's value becomes bytes in a mailbox and back. The transport
 * gives it a window (a slot's inline area or a payload extent) and moves the bytes; every
 * decision about what the bytes are lives here, fast paths included:
 *
 * - {@linkcode writeSmall}: the values of small calls (numbers, short strings, small byte arrays)
 *   written straight into a slot, without the value codec's set-up or its scratch buffer;
 * - {@linkcode directBound} and {@linkcode writeDirect}: large byte arrays and strings written
 *   straight into the payload (one copy instead of two);
 * - {@linkcode encodeMessage}: everything else, through the value codec into a scratch buffer,
 *   with the size check every message gets;
 * - {@linkcode readMessage}: the reverse, with the same fast paths first.
 *
 * The bytes are the value codec's (`tags.ts`): a fast path writes exactly what `encodeValue`
 * would, so any reader can read any message.
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import { clearItems, copiesOutOfBand, type OutOfBand, primitiveOutOfBand } from "./out_of_band.ts";
import { decodeStreamHead, encodeStreamHead, type StreamWindows } from "./stream_head.ts";
import { Tag } from "./tags.ts";

const encoder = new TextEncoder();
/** A tag and a u32 length: the head of a string or byte array. */
const HEAD_BYTES = 5;
/**
 * Bytes before a direct value's own bytes: three `PAD` tags, the tag and the u32 length, so its
 * bytes start 8-aligned (see `Tag.PAD`).
 */
const DIRECT_HEAD_BYTES = 8;
/** Values at least this large skip the scratch buffer and are written straight into the payload. */
export const DIRECT_BYTES = 4096;
/** Small byte arrays up to this many bytes are read back with a loop rather than `slice`. */
const COPY_LOOP_BYTES = 64;

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
 * Whether `value` is written straight into the payload: a large, whole, plain `Uint8Array` or
 * fixed-length `ArrayBuffer`, or a large well-formed string, that does not go out of band.
 * @returns The most bytes {@linkcode writeDirect} may need (at most `max`), or 0 when `value`
 *   takes another path.
 */
export function directBound(value: unknown, oob: OutOfBand | undefined, max: number): number {
  if (typeof value === "string") {
    if (value.length < DIRECT_BYTES || primitiveOutOfBand(oob, value) >= 0) return 0;
    if (!value.isWellFormed()) return 0;
    // Three bytes per UTF-16 unit at most; a string that needs more than `max` is refused by
    // `writeDirect`.
    return Math.min(DIRECT_HEAD_BYTES + value.length * 3, max);
  }
  // Buffers to move must reach the value codec, which sends them out of band.
  if (oob?.transfer !== undefined) return 0;
  const bytes = directBytes(value);
  if (bytes === undefined || copiesOutOfBand(oob, bytes.length)) return 0;
  return DIRECT_HEAD_BYTES + bytes.length;
}

/** The bytes of a large byte array or `ArrayBuffer` that goes direct, or undefined. */
function directBytes(value: unknown): Uint8Array | undefined {
  // Only a view of a whole, plain buffer: the value codec sends a partial view with its buffer
  // (as structuredClone does), and a subclass (Node's Buffer) with only its own bytes. The length
  // first: small arrays are common, and reading `.buffer` costs (see the decoder).
  if (value instanceof Uint8Array) {
    if (
      value.byteLength < DIRECT_BYTES || value.constructor !== Uint8Array ||
      value.byteOffset !== 0
    ) {
      return undefined;
    }
    const buffer = value.buffer;
    return buffer instanceof ArrayBuffer && !buffer.resizable &&
        value.byteLength === buffer.byteLength
      ? value
      : undefined;
  }
  // A resizable buffer keeps its maximum length through the value codec.
  if (value instanceof ArrayBuffer && !value.resizable && value.byteLength >= DIRECT_BYTES) {
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
  u8[at] = Tag.PAD;
  u8[at + 1] = Tag.PAD;
  u8[at + 2] = Tag.PAD;
  let n: number;
  if (typeof value === "string") {
    const done = encoder.encodeInto(value, u8.subarray(at + DIRECT_HEAD_BYTES, at + bound));
    if (done.read !== value.length) {
      throw new RangeError(
        `Cannot send value: a string of ${value.length} characters does not fit in payloadMaxByteLength (${bound} bytes)`,
      );
    }
    u8[at + 3] = Tag.STRING;
    n = done.written;
  } else {
    const bytes = directBytes(value)!;
    u8[at + 3] = value instanceof ArrayBuffer ? Tag.ARRAYBUFFER : Tag.UINT8ARRAY;
    u8.set(bytes, at + DIRECT_HEAD_BYTES);
    n = bytes.length;
  }
  dv.setUint32(at + 4, n, true);
  return DIRECT_HEAD_BYTES + n;
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
  const bytes = w.length + (oob?.copied ?? 0);
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
    if (n <= COPY_LOOP_BYTES) {
      // Cheaper than a slice at this size.
      const out = new Uint8Array(n);
      const from = at + HEAD_BYTES;
      for (let i = 0; i < n; i++) out[i] = bytes[from + i];
      return out;
    }
  }
  if (tag === Tag.STREAM_HEAD) {
    r.reset(bytes, view, at + 1);
    return decodeStreamHead(r, items);
  }
  r.reset(bytes, view, at);
  return decodeValue(r, items);
}
