/**
 * The encoding half of the value codec (the format is in `tags.ts`). It accepts what
 * `structuredClone` accepts, with the differences listed on {@linkcode encodeValue}.
 *
 * Cost model: this runs on every call. Primitives at the top level touch no shared state. For
 * objects, one table of back references (`ref_table.ts`) and one of dates (`date_table.ts`) are
 * reused across calls (cleared after each), and paths for error messages are built only when
 * something fails (one `try` per container level, no closure per element).
 *
 * This file holds the entry point and the dispatch on a value's type; what each type becomes is
 * in its own file: `primitive_encoder.ts`, `field_encoder.ts` (plain objects' fields),
 * `array_encoder.ts` (with `date_encoder.ts` and `string_run_encoder.ts` for runs of dates and
 * short strings), `buffer_encoder.ts` (buffers, views, out-of-band), `builtin_encoder.ts`
 * (`RegExp`, `Map`, `Set`, boxed primitives, class instances, other dates) and `error_encoder.ts`.
 * The container encoders recurse into one another through {@linkcode encode}, which this file
 * passes them (an `EncodeChild`) rather than have them import it: the import would be a cycle.
 * Classification lives in `value_kind.ts`.
 *
 * @module
 */

import { encodeArray } from "./array_encoder.ts";
import { encodeView, writeOutOfBand } from "./buffer_encoder.ts";
import { encodeBuiltIn } from "./builtin_encoder.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { encodeDate, isDate } from "./date_encoder.ts";
import { DateTable } from "./date_table.ts";
import { encodeError } from "./error_encoder.ts";
import { type EncodeState, MAX_DEPTH } from "./encode_state.ts";
import { encodeFields } from "./field_encoder.ts";
import { addItem, isOutOfBand, type OutOfBand, primitiveOutOfBand } from "./out_of_band.ts";
import { encodePrimitive, writeNumber, writeString } from "./primitive_encoder.ts";
import { RefTable } from "./ref_table.ts";
import { Tag } from "./tags.ts";
import { Uncloneable } from "./uncloneable.ts";
import { kindOf } from "./value_kind.ts";

/** The state kept between calls, or undefined while an encoding is running. */
let spare: EncodeState | undefined;

/**
 * Encodes `value` at the end of `w`.
 *
 * Differences from `structuredClone`: errors keep their own enumerable properties (such as
 * `code`) and registered classes (see `registerError`); a subclass of `Uint8Array` (Node's
 * `Buffer`) sends only its own bytes, not the whole pool buffer it may sit in; `Blob`, `URL`,
 * streams and other host objects are refused; length-tracking views of a resizable buffer come
 * back with a fixed length; extra (non-index) properties of arrays longer than 256 elements
 * without holes are not sent; a `SharedArrayBuffer`, and an `ArrayBuffer` listed in
 * `oob.transfer`, go out of band (see `out_of_band.ts`), and are refused without `oob`; large
 * byte copies and strings go out of band when `oob.policy` says so; objects nested more than
 * {@linkcode MAX_DEPTH} levels deep are refused.
 *
 * @param w The writer to append to.
 * @param root How the value is named in errors (`arg`, `result`).
 * @param oob Where out-of-band values go; without it they are refused.
 * @throws {TypeError} When the value, or anything inside it, cannot cross a thread boundary.
 * @throws {RangeError} When objects in it nest more than {@linkcode MAX_DEPTH} levels deep, or
 * deeper than the stack allows.
 */
export function encodeValue(
  w: ByteWriter,
  value: unknown,
  root = "value",
  oob?: OutOfBand,
): void {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "number") writeNumber(w, value);
    else if (typeof value === "string") {
      if (!sentOutOfBand(w, oob, value)) writeString(w, value);
    } else if (typeof value !== "bigint" || !sentOutOfBand(w, oob, value)) {
      try {
        encodePrimitive(w, value);
      } catch (err) {
        throw err instanceof Uncloneable ? err.toTypeError(root) : err;
      }
    }
    return;
  }
  // A getter inside `value` could itself send a value; it then gets a state of its own.
  const st = spare ?? { w, oob, refs: new RefTable(), dates: new DateTable(), depth: 0 };
  spare = undefined;
  st.w = w;
  st.oob = oob;
  st.depth = 0;
  try {
    encodeObject(st, value);
  } catch (err) {
    throw err instanceof Uncloneable ? err.toTypeError(root) : tooDeep(err, st.depth, root) ?? err;
  } finally {
    // Clearing drops the references to the caller's objects; the table's storage is reused.
    st.refs.clear();
    st.dates.clear();
    spare = st;
  }
}

/** Encodes a value inside a container: the `EncodeChild` the container encoders get. */
function encode(st: EncodeState, value: unknown): void {
  switch (typeof value) {
    case "number":
      writeNumber(st.w, value);
      return;
    case "string":
      if (!sentOutOfBand(st.w, st.oob, value)) writeString(st.w, value);
      return;
    case "bigint":
      if (!sentOutOfBand(st.w, st.oob, value)) encodePrimitive(st.w, value);
      return;
    case "object":
      if (value === null) st.w.u8(Tag.NULL);
      else encodeObject(st, value);
      return;
    default:
      encodePrimitive(st.w, value);
  }
}

/** Sends a large string or bigint beside the message (see `out_of_band.ts`), if it is one. */
function sentOutOfBand(w: ByteWriter, oob: OutOfBand | undefined, value: string | bigint): boolean {
  const copied = primitiveOutOfBand(oob, value);
  if (copied < 0) return false;
  w.u8(Tag.OUT_OF_BAND_PRIMITIVE);
  w.u32(addItem(oob!, value, copied));
  return true;
}

/** Encodes an object, or a `REF` to it when it was met before. */
function encodeObject(st: EncodeState, value: object): void {
  const w = st.w;
  const isArray = Array.isArray(value);
  const proto = isArray ? null : Object.getPrototypeOf(value);
  if (proto === Date.prototype && isDate(value)) {
    // Before the general table: dates have a table of their own (see `date_table.ts`).
    encodeDate(st, value as Date);
    return;
  }
  const seen = st.refs.find(value);
  if (seen !== -1) {
    w.u8(Tag.REF);
    w.u32(seen);
    return;
  }
  st.refs.add(value);
  // One level down; `encodeValue` turns this into the error the caller sees.
  if (++st.depth > MAX_DEPTH) throw new RangeError("Cannot send value: nested too deep");
  if (isArray) {
    encodeArray(st, value as unknown[], encode);
  } else {
    if (proto === Object.prototype || proto === null) {
      w.u8(Tag.OBJECT);
      const keys = Object.keys(value);
      w.u32(keys.length);
      encodeFields(st, value, keys, 0, encode);
    } else if (proto === Error.prototype) {
      // An error of exactly Error (most causes and errors thrown): no view, out-of-band or kind
      // check, which cost a tenth of encoding a chain of errors with short stacks.
      encodeError(st, value as Error, encode);
    } else if (ArrayBuffer.isView(value)) {
      encodeView(st, value);
    } else if (st.oob !== undefined && isOutOfBand(st.oob, value)) {
      writeOutOfBand(st, value);
    } else {
      encodeBuiltIn(st, value, kindOf(value, proto), encode);
    }
  }
  st.depth--;
}

/**
 * The `RangeError` for a value sent as `root` that failed `depth` objects deep with `err`, when
 * the cause was depth: past {@linkcode MAX_DEPTH}, or a stack overflow (on a thread with less
 * stack than usual, or called with most of it in use). Undefined for any other error.
 */
function tooDeep(err: unknown, depth: number, root: string): RangeError | undefined {
  if (depth > MAX_DEPTH) {
    return new RangeError(
      `Cannot send ${root}: objects may nest at most ${MAX_DEPTH} levels deep, received a value nested deeper`,
    );
  }
  if (err instanceof RangeError && err.message.includes("call stack")) {
    return new RangeError(
      `Cannot send ${root}: the stack ran out ${depth} levels deep (objects may nest at most ${MAX_DEPTH}), received a value nested at least that deep`,
      { cause: err },
    );
  }
  return undefined;
}
