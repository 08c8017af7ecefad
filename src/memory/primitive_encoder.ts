/**
 * Encodes primitives: numbers (`INT32` or `FLOAT64`), strings (`STRING`, or `STRING16` when UTF-8
 * would lose a lone surrogate), booleans, `undefined`, `null` and bigints. The bigint payload is
 * shared with boxed bigints (see `builtin_encoder.ts`).
 *
 * @module
 */

import { ALIGN_BYTES, type ByteWriter } from "./byte_writer.ts";
import { Tag } from "./tags.ts";
import { describe, Uncloneable } from "./uncloneable.ts";

export function writeNumber(w: ByteWriter, value: number): void {
  if ((value | 0) === value && !Object.is(value, -0)) {
    w.u8(Tag.INT32);
    w.i32(value);
  } else {
    w.u8(Tag.FLOAT64);
    w.f64(value);
  }
}

/**
 * Writes a STRING, or a STRING16 for a string with lone surrogates (UTF-8 would lose them). Long
 * strings start 8-aligned (see `ByteWriter.alignForBytes`).
 */
export function writeString(w: ByteWriter, value: string): void {
  if (value.length >= ALIGN_BYTES) w.alignForBytes(Tag.PAD);
  if (value.isWellFormed()) {
    w.u8(Tag.STRING);
    w.string(value);
  } else {
    w.u8(Tag.STRING16);
    w.utf16(value);
  }
}

/** Encodes a primitive other than a number or a string; refuses symbols and functions. */
export function encodePrimitive(w: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case "boolean":
      w.u8(value ? Tag.TRUE : Tag.FALSE);
      return;
    case "undefined":
      w.u8(Tag.UNDEFINED);
      return;
    case "bigint":
      w.u8(Tag.BIGINT);
      writeBigIntPayload(w, value);
      return;
    case "object":
      if (value === null) {
        w.u8(Tag.NULL);
        return;
      }
      break;
  }
  throw new Uncloneable(describe(value));
}

/** u8 sign, u32 word count, u32 words (least significant first). Linear in the size. */
export function writeBigIntPayload(w: ByteWriter, value: bigint): void {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  w.u8(negative ? 1 : 0);
  if (magnitude <= 0xffffffffffffffffn) {
    const low = Number(magnitude & 0xffffffffn);
    const high = Number(magnitude >> 32n);
    const words = high !== 0 ? 2 : low !== 0 ? 1 : 0;
    w.u32(words);
    if (words > 0) w.u32(low);
    if (words > 1) w.u32(high);
    return;
  }
  // Shifting a big bigint 32 bits at a time is quadratic; the hex digits give the words directly.
  const hex = magnitude.toString(16);
  const words = Math.ceil(hex.length / 8);
  w.u32(words);
  for (let i = 0, end = hex.length; i < words; i++, end -= 8) {
    w.u32(parseInt(hex.slice(Math.max(0, end - 8), end), 16));
  }
}
