/**
 * A growable, thread-local byte buffer that the codec encodes into. Values are encoded here
 * first and then copied into a slot or a payload extent, except for the fast paths in
 * `src/transport/outbox.ts` that write straight into shared memory.
 *
 * @module
 */

import { utf16Copies, WIDE_MIN_UNITS } from "./utf16_copies.ts";

const encoder = new TextEncoder();
/** Strings up to this many UTF-16 units try the ASCII loop before `encodeInto`. */
const SHORT_STRING_CHARS = 32;

/** Byte arrays and strings at least this long start 8-aligned (see `alignForBytes`). */
export const ALIGN_BYTES = 256;

/** Appends little-endian numbers, bytes and UTF-8 strings to a growable buffer. */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  /** Bytes written so far. */
  length = 0;
  /** Bytes of strings written as UTF-16 by choice since the last reset (see `writeString`). */
  wideBytes = 0;
  /** When true, only lone surrogates make a string UTF-16 (a retry within a size limit). */
  narrow = false;

  /** @param capacity Initial capacity in bytes. */
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Forgets what was written; keeps the memory. */
  reset(): void {
    this.length = 0;
    this.wideBytes = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /**
   * Writes `PAD` tags so that, after a one-byte tag and a u32 length, the next byte is 8-aligned
   * (messages start 8-aligned in slots and payload extents, so this aligns it there too). V8
   * copies bytes, and encodes and decodes UTF-8, to and from shared memory 2-6x faster then.
   * @param pad The `PAD` tag value.
   */
  alignForBytes(pad: number): void {
    while ((this.length + 5) % 8 !== 0) this.u8(pad);
  }

  /** Appends raw bytes. */
  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  /** Reserves a u32 to fill in later with {@linkcode ByteWriter.patchU32}; returns its offset. */
  reserveU32(): number {
    this.ensure(4);
    const at = this.length;
    this.length += 4;
    return at;
  }

  /** Writes `value` into the u32 reserved at `at`. */
  patchU32(at: number, value: number): void {
    this.view.setUint32(at, value, true);
  }

  /**
   * Appends `tag`, a u32 length and the bytes of `value` if it is ASCII (then it is well formed
   * and its UTF-8 is its char codes), for strings up to {@linkcode SHORT_STRING_CHARS} long.
   * @returns false, having written nothing, for any other string.
   */
  shortAscii(tag: number, value: string): boolean {
    const n = value.length;
    if (n > SHORT_STRING_CHARS) return false;
    this.ensure(5 + n);
    const bytes = this.bytes;
    const at = this.length + 5;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return false;
      bytes[at + i] = c;
    }
    bytes[this.length] = tag;
    this.view.setUint32(this.length + 1, n, true);
    this.length = at + n;
    return true;
  }

  /**
   * Appends a u32 byte length and the UTF-8 bytes of `value` (lone surrogates become U+FFFD:
   * check `isWellFormed` first and use {@linkcode ByteWriter.utf16} for such strings).
   */
  string(value: string): void {
    const n = value.length;
    this.ensure(4 + n * 3);
    const at = this.length + 4;
    if (n <= SHORT_STRING_CHARS) {
      // Short ASCII (most keys and many values): a plain loop beats making a subarray for
      // `encodeInto`; the first non-ASCII character sends the string to `encodeInto`.
      const bytes = this.bytes;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        bytes[at + i] = c;
      }
      if (i === n) {
        this.view.setUint32(this.length, n, true);
        this.length = at + n;
        return;
      }
    }
    const { written } = encoder.encodeInto(value, this.bytes.subarray(at));
    this.view.setUint32(this.length, written, true);
    this.length = at + written;
  }

  /** Appends a u32 count of UTF-16 code units and the units, little-endian: keeps lone surrogates. */
  utf16(value: string): void {
    const n = value.length;
    this.ensure(4 + n * 2);
    this.view.setUint32(this.length, n, true);
    let at = this.length + 4;
    const copies = utf16Copies();
    if (copies !== undefined && n >= WIDE_MIN_UNITS) {
      this.length = at + copies.write(this.bytes, at, value);
      return;
    }
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      bytes[at++] = c & 0xff;
      bytes[at++] = c >>> 8;
    }
    this.length = at;
  }
}
