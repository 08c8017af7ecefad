/**
 * The encoding half of the value codec (the format is in `tags.ts`). It accepts what
 * `structuredClone` accepts, with the differences listed on {@linkcode encodeValue}.
 *
 * Cost model: this runs on every call. Primitives at the top level touch no shared state. For
 * objects, one `Map` of back references is reused across calls (cleared after each) and paths for
 * error messages are built only when something fails (one `try` per container level, no closure
 * per element).
 *
 * The file is long (about 500 lines) because the container encoders recurse into one another;
 * splitting them apart would create an import cycle. Classification lives in `value_kind.ts`.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
import { errorClassNames } from "./error_classes.ts";
import { isOutOfBand, type OutOfBand } from "./out_of_band.ts";
import { ErrorFlag, Tag, ViewKind } from "./tags.ts";
import { describe, keySegment, literal, Uncloneable, withSegment } from "./uncloneable.ts";
import { Kind, kindOf, refusal } from "./value_kind.ts";
import { viewKindOf } from "./view_kinds.ts";

/** What one encoding needs: the writer and the ids of the objects met so far. */
interface EncodeState {
  w: ByteWriter;
  /** Where out-of-band values go, or undefined where none may be sent. */
  oob: OutOfBand | undefined;
  /** Object to id. Buffers met as the backing store of a `UINT8ARRAY` are entered too. */
  refs: Map<object, number>;
  /** The next id; ahead of `refs.size` when an id was taken without an entry (see encodeView). */
  next: number;
}

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
 * without holes are not sent; `SharedArrayBuffer` is not supported yet.
 *
 * @param w The writer to append to.
 * @param root How the value is named in errors (`arg`, `result`).
 * @throws {TypeError} When the value, or anything inside it, cannot cross a thread boundary.
 */
export function encodeValue(
  w: ByteWriter,
  value: unknown,
  root = "value",
  oob?: OutOfBand,
): void {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "number") writeNumber(w, value);
    else if (typeof value === "string") writeString(w, value);
    else {
      try {
        encodePrimitive(w, value);
      } catch (err) {
        throw err instanceof Uncloneable ? err.toTypeError(root) : err;
      }
    }
    return;
  }
  // A getter inside `value` could itself send a value; it then gets a state of its own.
  const st = spare ?? { w, oob, refs: new Map(), next: 0 };
  spare = undefined;
  st.w = w;
  st.oob = oob;
  st.next = 0;
  try {
    encodeObject(st, value);
  } catch (err) {
    throw err instanceof Uncloneable ? err.toTypeError(root) : err;
  } finally {
    // Clearing drops the references to the caller's objects; the Map's storage is reused.
    st.refs.clear();
    spare = st;
  }
}

function writeNumber(w: ByteWriter, value: number): void {
  if ((value | 0) === value && !Object.is(value, -0)) {
    w.u8(Tag.INT32);
    w.i32(value);
  } else {
    w.u8(Tag.FLOAT64);
    w.f64(value);
  }
}

/** Writes a STRING, or a STRING16 for a string with lone surrogates (UTF-8 would lose them). */
function writeString(w: ByteWriter, value: string): void {
  if (value.isWellFormed()) {
    w.u8(Tag.STRING);
    w.string(value);
  } else {
    w.u8(Tag.STRING16);
    w.utf16(value);
  }
}

function encode(st: EncodeState, value: unknown): void {
  switch (typeof value) {
    case "number":
      writeNumber(st.w, value);
      return;
    case "string":
      writeString(st.w, value);
      return;
    case "object":
      if (value === null) st.w.u8(Tag.NULL);
      else encodeObject(st, value);
      return;
    default:
      encodePrimitive(st.w, value);
  }
}

function encodePrimitive(w: ByteWriter, value: unknown): void {
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
function writeBigIntPayload(w: ByteWriter, value: bigint): void {
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

function encodeObject(st: EncodeState, value: object): void {
  const w = st.w;
  const seen = st.refs.get(value);
  if (seen !== undefined) {
    w.u8(Tag.REF);
    w.u32(seen);
    return;
  }
  st.refs.set(value, st.next++);
  if (Array.isArray(value)) {
    encodeArray(st, value);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    w.u8(Tag.OBJECT);
    const keys = Object.keys(value);
    w.u32(keys.length);
    encodeFields(st, value, keys, 0);
    return;
  }
  if (ArrayBuffer.isView(value)) {
    encodeView(st, value);
    return;
  }
  if (st.oob !== undefined && isOutOfBand(st.oob, value)) {
    writeOutOfBand(st, value);
    return;
  }
  encodeBuiltIn(st, value, kindOf(value, proto));
}

function writeOutOfBand(st: EncodeState, value: object): void {
  st.w.u8(Tag.OUT_OF_BAND);
  st.w.u32(st.oob!.items.length);
  st.oob!.items.push(value);
}

/** Writes (key, value) pairs for `keys[from..]`; the caller has written the count. */
function encodeFields(st: EncodeState, value: object, keys: string[], from: number): void {
  const w = st.w;
  let i = from;
  try {
    for (; i < keys.length; i++) {
      const key = keys[i];
      writeString(w, key);
      encode(st, (value as Record<string, unknown>)[key]);
    }
  } catch (err) {
    throw withSegment(err, keySegment(keys[i]));
  }
}

/** The index a key names in an array of length `n`, or -1 when it is not an index below `n`. */
function indexOf(key: string, n: number): number {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < n && String(index) === key ? index : -1;
}

/**
 * Arrays up to this length are checked for holes and extra properties with `Object.keys`, which
 * costs about as much per element as encoding a number; longer ones are scanned for holes with a
 * plain loop and go through `Object.keys` only when they have one.
 */
const ARRAY_KEY_SCAN_MAX_LENGTH = 256;

/** True when `arr` has a hole; stops at the first one. */
function hasHole(arr: unknown[]): boolean {
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] === undefined && !(i in arr)) return true;
  }
  return false;
}

function encodeArray(st: EncodeState, arr: unknown[]): void {
  const w = st.w;
  const n = arr.length;
  if (n > ARRAY_KEY_SCAN_MAX_LENGTH && !hasHole(arr)) {
    // The fast path for long dense arrays. Extra properties on such an array are not sent: only
    // `Object.keys` could find them, at the cost of a string per element.
    w.u8(Tag.ARRAY);
    w.u32(n);
    encodeElements(st, arr, n);
    w.u32(0);
    return;
  }
  // Object.keys lists the present indices in order, then the other keys: it is how holes and
  // extra properties (`index` and `input` on a RegExp match) are found. A dense array without
  // extras has exactly the keys "0".."n-1", which the first test below recognises.
  const keys = Object.keys(arr);
  let present = n;
  if (keys.length !== n || (n > 0 && keys[n - 1] !== String(n - 1))) {
    present = 0;
    while (present < keys.length && indexOf(keys[present], n) !== -1) present++;
  }
  if (present * 2 < n) {
    encodeSparseArray(st, arr, keys);
    return;
  }
  w.u8(Tag.ARRAY);
  w.u32(n);
  if (present === n) {
    encodeElements(st, arr, n);
  } else {
    let i = 0;
    try {
      for (let next = 0; i < n; i++) {
        if (next < present && indexOf(keys[next], n) === i) {
          next++;
          encode(st, arr[i]);
        } else {
          w.u8(Tag.HOLE);
        }
      }
    } catch (err) {
      throw withSegment(err, `[${i}]`);
    }
  }
  w.u32(keys.length - present);
  encodeFields(st, arr, keys, present);
}

/** Encodes `arr[0..n)`, none of which is a hole. */
function encodeElements(st: EncodeState, arr: unknown[], n: number): void {
  const w = st.w;
  let i = 0;
  try {
    for (; i < n; i++) {
      const item = arr[i];
      if (typeof item === "number") writeNumber(w, item);
      else encode(st, item);
    }
  } catch (err) {
    throw withSegment(err, `[${i}]`);
  }
}

/** Mostly holes: only the present indices (and extra properties) are sent, as keys. */
function encodeSparseArray(st: EncodeState, arr: unknown[], keys: string[]): void {
  const w = st.w;
  w.u8(Tag.SPARSE_ARRAY);
  w.u32(arr.length);
  w.u32(keys.length);
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      writeString(w, keys[i]);
      encode(st, (arr as unknown as Record<string, unknown>)[keys[i]]);
    }
  } catch (err) {
    const index = indexOf(keys[i], arr.length);
    throw withSegment(err, index === -1 ? keySegment(keys[i]) : `[${index}]`);
  }
}

function encodeView(st: EncodeState, view: ArrayBufferView): void {
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
  if (
    !outOfBand && kind === ViewKind.UINT8 && !st.refs.has(buffer) &&
    !(buffer as ArrayBuffer).resizable
  ) {
    const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength;
    // A subclass (Node's Buffer) often sits in a shared 8 KiB pool; it sends only its own bytes.
    if (whole || Object.getPrototypeOf(view) !== Uint8Array.prototype) {
      if ((buffer as ArrayBuffer).detached) {
        throw new Uncloneable("a Uint8Array over a detached ArrayBuffer");
      }
      w.u8(Tag.UINT8ARRAY);
      w.u32(view.byteLength);
      w.raw(view as Uint8Array);
      // The buffer's id is taken either way, as the decoder counts; it is entered only when the
      // copy is the whole buffer, so that other views of a pool buffer do not point at this copy.
      if (whole) st.refs.set(buffer, st.next);
      st.next++;
      return;
    }
  }
  w.u8(Tag.VIEW);
  w.u8(kind);
  const seen = st.refs.get(buffer);
  if (seen !== undefined) {
    w.u8(Tag.REF);
    w.u32(seen);
  } else {
    st.refs.set(buffer, st.next++);
    if (outOfBand) writeOutOfBand(st, buffer);
    else encodeArrayBuffer(w, buffer as ArrayBuffer);
  }
  w.u32(view.byteOffset);
  w.u32(kind === ViewKind.DATA_VIEW ? view.byteLength : (view as Uint8Array).length);
}

function encodeArrayBuffer(w: ByteWriter, buffer: ArrayBuffer): void {
  if (buffer.detached) throw new Uncloneable("a detached ArrayBuffer");
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

function encodeBuiltIn(st: EncodeState, value: object, kind: number): void {
  const w = st.w;
  switch (kind) {
    case Kind.PLAIN: {
      // Class instances cross as their own enumerable properties, as with `structuredClone`.
      w.u8(Tag.OBJECT);
      const keys = Object.keys(value);
      w.u32(keys.length);
      encodeFields(st, value, keys, 0);
      return;
    }
    case Kind.ARRAYBUFFER:
      encodeArrayBuffer(w, value as ArrayBuffer);
      return;
    case Kind.DATE:
      w.u8(Tag.DATE);
      w.f64((value as Date).getTime());
      return;
    case Kind.REGEXP:
      w.u8(Tag.REGEXP);
      writeString(w, (value as RegExp).source);
      writeString(w, (value as RegExp).flags);
      return;
    case Kind.MAP:
      encodeMap(st, value as Map<unknown, unknown>);
      return;
    case Kind.SET:
      encodeSet(st, value as Set<unknown>);
      return;
    case Kind.ERROR:
      encodeError(st, value as Error);
      return;
    case Kind.DOM_EXCEPTION:
      encodeDomException(w, value as DOMException);
      return;
    case Kind.NUMBER:
      w.u8(Tag.NUMBER_OBJECT);
      w.f64(Number.prototype.valueOf.call(value));
      return;
    case Kind.STRING:
      w.u8(Tag.STRING_OBJECT);
      writeString(w, String.prototype.valueOf.call(value));
      return;
    case Kind.BOOLEAN:
      w.u8(Tag.BOOLEAN_OBJECT);
      w.u8(Boolean.prototype.valueOf.call(value) ? 1 : 0);
      return;
    case Kind.BIGINT:
      w.u8(Tag.BIGINT_OBJECT);
      writeBigIntPayload(w, BigInt.prototype.valueOf.call(value));
      return;
    default:
      throw refusal(value) ?? new Uncloneable(describe(value));
  }
}

function encodeMap(st: EncodeState, map: Map<unknown, unknown>): void {
  st.w.u8(Tag.MAP);
  // Counted as written: a getter met while encoding an entry could change the map's size.
  const countAt = st.w.reserveU32();
  let i = 0;
  for (const [key, item] of map) {
    try {
      encode(st, key);
    } catch (err) {
      throw withSegment(err, `.keys()[${i}]`);
    }
    try {
      encode(st, item);
    } catch (err) {
      throw withSegment(err, `.get(${literal(key)})`);
    }
    i++;
  }
  st.w.patchU32(countAt, i);
}

function encodeSet(st: EncodeState, set: Set<unknown>): void {
  st.w.u8(Tag.SET);
  const countAt = st.w.reserveU32();
  let i = 0;
  try {
    for (const item of set) {
      encode(st, item);
      i++;
    }
  } catch (err) {
    throw withSegment(err, `.values()[${i}]`);
  }
  st.w.patchU32(countAt, i);
}

/** Own properties an error carries in its header rather than among its fields. */
function isErrorHeaderKey(key: string, hasErrors: boolean): boolean {
  return key === "message" || key === "stack" || key === "cause" ||
    (hasErrors && key === "errors");
}

function encodeError(st: EncodeState, err: Error): void {
  const w = st.w;
  const names = errorClassNames(err);
  const message = Object.hasOwn(err, "message") ? String(err.message) : err.message;
  const stack = err.stack;
  const hasCause = Object.hasOwn(err, "cause");
  const hasErrors = err instanceof AggregateError && Object.hasOwn(err, "errors");
  let flags = 0;
  // An inherited message is sent only when it says something; the rebuilt error then owns it.
  if (typeof message === "string" && (message !== "" || Object.hasOwn(err, "message"))) {
    flags |= ErrorFlag.MESSAGE;
  }
  if (typeof stack === "string") flags |= ErrorFlag.STACK;
  if (hasCause) flags |= ErrorFlag.CAUSE;
  if (hasErrors) flags |= ErrorFlag.ERRORS;
  w.u8(Tag.ERROR);
  w.u8(flags);
  writeString(w, names.own);
  writeString(w, names.base);
  writeString(w, String(err.name));
  if (flags & ErrorFlag.MESSAGE) writeString(w, message);
  if (flags & ErrorFlag.STACK) writeString(w, stack as string);
  if (hasCause) {
    try {
      encode(st, err.cause);
    } catch (e) {
      throw withSegment(e, ".cause");
    }
  }
  if (hasErrors) {
    try {
      encode(st, (err as AggregateError).errors);
    } catch (e) {
      throw withSegment(e, ".errors");
    }
  }
  const keys = Object.keys(err).filter((key) => !isErrorHeaderKey(key, hasErrors));
  w.u32(keys.length);
  encodeFields(st, err, keys, 0);
}

function encodeDomException(w: ByteWriter, err: DOMException): void {
  const stack = (err as { stack?: unknown }).stack;
  w.u8(Tag.DOM_EXCEPTION);
  w.u8(typeof stack === "string" ? 1 : 0);
  writeString(w, String(err.name));
  writeString(w, String(err.message));
  if (typeof stack === "string") writeString(w, stack);
}
