/**
 * Round-trips values through the codec in-process, reading back from a SharedArrayBuffer window
 * as the transport does.
 *
 * @module
 */

import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue, encodeValue } from "../../src/memory/codec.ts";

/** Encodes `value` as `root`, copies the bytes into shared memory and decodes them. */
export function roundTrip(value: unknown, root = "arg"): unknown {
  const w = new ByteWriter(16);
  encodeValue(w, value, root);
  const shared = new Uint8Array(new SharedArrayBuffer(w.length + 8));
  shared.set(w.bytes.subarray(0, w.length), 8);
  const r = new ByteReader();
  r.reset(shared, new DataView(shared.buffer), 8);
  const out = decodeValue(r);
  if (r.pos !== w.length + 8) {
    throw new Error(`decoder stopped at ${r.pos - 8} of ${w.length} bytes`);
  }
  // Scribble over the window: nothing decoded may still point into it.
  shared.fill(0xee);
  return out;
}

/** The TypeError that encoding `value` throws, or an Error saying none was thrown. */
export function encodeError(value: unknown, root = "arg"): unknown {
  try {
    encodeValue(new ByteWriter(16), value, root);
  } catch (err) {
    return err;
  }
  return new Error("encodeValue did not throw");
}

/** A seeded PRNG: mulberry32. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A window of `bytes` bytes of shared memory, as a mailbox's, with a view over it. */
export function sharedWindow(bytes = 64): { u8: Uint8Array; dv: DataView } {
  const sab = new SharedArrayBuffer(bytes);
  return { u8: new Uint8Array(sab), dv: new DataView(sab) };
}

/** What the value codec writes for `value`. */
export function codecBytes(value: unknown): Uint8Array {
  const w = new ByteWriter(16);
  encodeValue(w, value);
  return w.bytes.slice(0, w.length);
}
