/**
 * Encodes binary data: `ArrayBuffer`s (`ARRAYBUFFER`, `RESIZABLE_ARRAYBUFFER`), typed arrays and
 * `DataView`s (`VIEW` over a buffer, or a `UINT8ARRAY` copy of just the bytes), and the
 * `OUT_OF_BAND` reference for a buffer that travels beside the bytes (a `SharedArrayBuffer`, an
 * `ArrayBuffer` the caller moves, or a large copy; see `out_of_band.ts`).
 *
 * @module
 */

import { ALIGN_BYTES } from "./byte_writer.ts";
import type { EncodeState } from "./encode_state.ts";
import { addItem, copiesOutOfBand, isOutOfBand } from "./out_of_band.ts";
import { Tag, VIEW_LENGTH_TRACKING, ViewKind } from "./tags.ts";
import { describe, Uncloneable } from "./uncloneable.ts";
import { viewKindOf } from "./view_kinds.ts";

/**
 * Sends `value` out of band: the tag carries its index among `st.oob.items`.
 * @param copied Bytes the value counts for in the message's size (0 when shared or moved).
 */
export function writeOutOfBand(st: EncodeState, value: unknown, copied = 0): void {
  st.w.u8(Tag.OUT_OF_BAND);
  st.w.u32(addItem(st.oob!, value, copied));
}

/**
 * A fresh `ArrayBuffer` holding `n` bytes of `buffer` from `start`. `Uint8Array.prototype.slice`
 * rather than `ArrayBuffer.prototype.slice`, which was up to 2x slower on V8 for large copies.
 */
function copyOf(buffer: ArrayBuffer, start: number, n: number): ArrayBuffer {
  return new Uint8Array(buffer, start, n).slice().buffer;
}

/** Encodes a typed array or `DataView`, whose id the caller has taken, and its buffer. */
export function encodeView(st: EncodeState, view: ArrayBufferView): void {
  const w = st.w;
  const buffer = view.buffer;
  const kind = viewKindOf(view);
  if (kind === -1) throw new Uncloneable(describe(view));
  const outOfBand = st.oob !== undefined && isOutOfBand(st.oob, buffer);
  if (!outOfBand && !(buffer instanceof ArrayBuffer)) {
    throw new Uncloneable(
      `${describe(view)} over a SharedArrayBuffer`,
      "which is not supported yet",
    );
  }
  // Looked up once: the table's scan is per object, and both paths below need the answer.
  const seen = st.refs.find(buffer);
  if (!outOfBand && kind === ViewKind.UINT8 && seen === -1 && !(buffer as ArrayBuffer).resizable) {
    const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength;
    // A subclass (Node's Buffer) often sits in a shared 8 KiB pool; it sends only its own bytes.
    if (whole || Object.getPrototypeOf(view) !== Uint8Array.prototype) {
      if ((buffer as ArrayBuffer).detached) {
        throw new Uncloneable("a Uint8Array over a detached ArrayBuffer");
      }
      const n = view.byteLength;
      if (copiesOutOfBand(st.oob, n)) {
        // A copy of just these bytes travels beside the message, as the whole buffer of a view.
        w.u8(Tag.VIEW);
        w.u8(ViewKind.UINT8);
        const start = view.byteOffset;
        writeOutOfBand(st, copyOf(buffer as ArrayBuffer, start, n), n);
        w.u32(0);
        w.u32(n);
      } else {
        if (n >= ALIGN_BYTES) w.alignForBytes(Tag.PAD);
        w.u8(Tag.UINT8ARRAY);
        w.u32(n);
        w.raw(view as Uint8Array);
      }
      // The buffer's id is taken either way, as the decoder counts; it is entered only when the
      // copy is the whole buffer, so that other views of a pool buffer do not point at this copy.
      st.refs.add(whole ? buffer : null);
      return;
    }
  }
  const resizable = (buffer as ArrayBuffer).resizable && !(buffer as ArrayBuffer).detached;
  if (resizable && outOfBounds(view, kind)) {
    throw new Uncloneable(`${describe(view)} out of its buffer's bounds`);
  }
  w.u8(Tag.VIEW);
  w.u8(kind);
  if (seen !== -1) {
    w.u8(Tag.REF);
    w.u32(seen);
  } else {
    st.refs.add(buffer);
    if (outOfBand) writeOutOfBand(st, buffer);
    else encodeArrayBuffer(st, buffer as ArrayBuffer);
  }
  w.u32(view.byteOffset);
  if (resizable && tracksLength(view, kind)) w.u32(VIEW_LENGTH_TRACKING);
  else w.u32(kind === ViewKind.DATA_VIEW ? view.byteLength : (view as Uint8Array).length);
}

/**
 * Whether `view`, in bounds of its resizable buffer, tracks the buffer's length. Nothing reads
 * that directly: a view that ends before the buffer does is fixed; otherwise the engine's own
 * clone (which keeps the tracking) is resized and watched, leaving the sender's buffer alone. The
 * copy costs a clone of the buffer, only for views that end where their resizable buffer does.
 */
function tracksLength(view: ArrayBufferView, kind: number): boolean {
  const buffer = view.buffer as ArrayBuffer;
  if (view.byteOffset + view.byteLength !== buffer.byteLength) return false;
  const probe = structuredClone(view);
  const copy = probe.buffer as ArrayBuffer;
  // Shrunk to the view's start: a fixed view with bytes is then out of bounds, a tracking one not.
  if (view.byteLength > 0) {
    copy.resize(view.byteOffset);
    return !outOfBounds(probe, kind);
  }
  // An empty view at the end: a tracking one grows with its buffer, by a whole element.
  const element = kind === ViewKind.DATA_VIEW ? 1 : (view as Uint8Array).BYTES_PER_ELEMENT;
  if (copy.byteLength + element > copy.maxByteLength) return false; // it can never grow: alike
  copy.resize(copy.byteLength + element);
  return probe.byteLength > 0;
}

/**
 * Whether `view` lies past the end of its resizable buffer, which shrank after it was made:
 * structured clone refuses such a view. A typed array then reads as empty and its methods throw;
 * a `DataView`'s length getter throws.
 */
function outOfBounds(view: ArrayBufferView, kind: number): boolean {
  try {
    if (kind === ViewKind.DATA_VIEW) return view.byteLength < 0;
    if (view.byteLength === 0) (view as Uint8Array).at(0);
    return false;
  } catch {
    return true;
  }
}

/** An `ArrayBuffer` as a value of its own: large ones start 8-aligned (see `Tag.PAD`). */
export function encodeArrayBufferValue(st: EncodeState, buffer: ArrayBuffer): void {
  const n = buffer.byteLength;
  if (!buffer.resizable && n >= ALIGN_BYTES && !copiesOutOfBand(st.oob, n)) {
    st.w.alignForBytes(Tag.PAD);
  }
  encodeArrayBuffer(st, buffer);
}

/**
 * Copies an `ArrayBuffer` (resizable ones keep their maximum length) into the bytes, or, when it
 * is large, into a fresh buffer that travels out of band.
 */
export function encodeArrayBuffer(st: EncodeState, buffer: ArrayBuffer): void {
  if (buffer.detached) throw new Uncloneable("a detached ArrayBuffer");
  if (!buffer.resizable && copiesOutOfBand(st.oob, buffer.byteLength)) {
    writeOutOfBand(st, copyOf(buffer, 0, buffer.byteLength), buffer.byteLength);
    return;
  }
  const w = st.w;
  if (buffer.resizable) {
    w.u8(Tag.RESIZABLE_ARRAYBUFFER);
    w.u32(buffer.byteLength);
    w.u32(buffer.maxByteLength);
  } else {
    w.u8(Tag.ARRAYBUFFER);
    w.u32(buffer.byteLength);
  }
  w.raw(new Uint8Array(buffer));
}
