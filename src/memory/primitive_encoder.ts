/**
 * Encodes primitives: numbers (`INT32` or `FLOAT64`), strings (`STRING`, or `STRING16` when UTF-8
 * would lose a lone surrogate or UTF-16 copies faster), booleans, `undefined`, `null` and
 * bigints. The bigint payload is shared with boxed bigints (see `builtin_encoder.ts`).
 *
 * @module
 */

import { ALIGN_BYTES, type ByteWriter } from "./byte_writer.ts";
import { Tag } from "./tags.ts";
import { sendsWide } from "./utf16_copies.ts";
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
 * Writes a STRING, or a STRING16 for a string with lone surrogates (UTF-8 would lose them) or,
 * where this thread copies UTF-16 fast, a non-ASCII one (see `utf16_copies.ts`). Long strings
 * start 8-aligned (see `ByteWriter.alignForBytes`).
 */
export function writeString(w: ByteWriter, value: string): void {
  // Keys and most short values: no well-formedness check, no second pass.
  if (w.shortAscii(Tag.STRING, value)) return;
  if (!w.narrow && sendsWide(value)) {
    // Aligned at any length, as `writeDirect` writes it: units at an odd offset would cost Node's
    // decoder a copy of its own first.
    w.alignForBytes(Tag.PAD);
    w.u8(Tag.STRING16);
    w.wideBytes += value.length * 2;
    w.utf16(value);
    return;
  }
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

/**
 * Up to 64 bits: u8 sign (0 or 1), u32 word count (0-2), u32 words (least significant first).
 * Larger: u8 sign + 2, then the magnitude's hex digits as a string; the engine's own hex
 * conversions are linear and native, where a loop over 32-bit words costs about 0.5 us a word.
 */
export function writeBigIntPayload(w: ByteWriter, value: bigint): void {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  if (magnitude > 0xffffffffffffffffn) {
    w.u8(negative ? 3 : 2);
    w.string(magnitude.toString(16));
    return;
  }
  w.u8(negative ? 1 : 0);
  const low = Number(magnitude & 0xffffffffn);
  const high = Number(magnitude >> 32n);
  const words = high !== 0 ? 2 : low !== 0 ? 1 : 0;
  w.u32(words);
  if (words > 0) w.u32(low);
  if (words > 1) w.u32(high);
}
