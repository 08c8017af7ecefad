/**
 * The decoding half of the value codec (the format is in `tags.ts`). Everything it returns is a
 * fresh copy: the bytes it reads sit in shared memory that the producer reuses.
 *
 * Errors are decoded in `error_decoder.ts`, which reads their parts through {@linkcode CHILD}.
 * The rest stays here (about 330 lines): it is one recursive descent, and every helper calls back
 * into `decode` with the same reference table and reads keys and strings the same way.
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import { type DecodeChild, decodeDomException, decodeError } from "./error_decoder.ts";
import { fillObject, MAX_FIELDS, setField } from "./object_shapes.ts";
import { readDateRun, readStringRun } from "./run_decoder.ts";
import { Tag, VIEW_LENGTH_TRACKING } from "./tags.ts";
import { MAX_DEPTH } from "./encode_state.ts";
import { VIEW_CONSTRUCTORS } from "./view_kinds.ts";

/** Stands in the id table for the buffer of a decoded `Uint8Array` (see `Tag.UINT8ARRAY`). */
class BufferOf {
  readonly view: Uint8Array;
  constructor(view: Uint8Array) {
    this.view = view;
  }
}

/** Objects by id, reused across calls while no decoding runs (see {@linkcode decodeValue}). */
let spare: unknown[] | undefined;

/**
 * Decodes one value from `r`, advancing it past the value.
 * @throws {TypeError} When the bytes are not a valid encoding.
 * @throws {RangeError} When the value nests deeper than this thread's stack holds.
 */
export function decodeValue(r: ByteReader, items: readonly unknown[] = NO_ITEMS): unknown {
  const refs = spare ?? [];
  spare = undefined;
  const outer = outOfBand;
  outOfBand = items;
  try {
    return decode(r, refs);
  } catch (err) {
    // The encoder refuses values nested past MAX_DEPTH, which fit a default stack; a thread
    // started with a smaller one (Node's `resourceLimits.stackSizeMb`) can still run out.
    if (err instanceof RangeError && err.message.includes("call stack")) {
      throw new RangeError(
        `Cannot decode value: the stack ran out, received a value nested deeper than this thread's stack holds (objects may nest at most ${MAX_DEPTH} levels deep)`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    outOfBand = outer;
    // Emptying drops the decoded objects, so the table keeps nothing alive between calls.
    refs.length = 0;
    spare = refs;
  }
}

function badTag(tag: number, where: string): TypeError {
  return new TypeError(`Cannot decode value: unexpected tag ${where}, received ${tag}`);
}

function decode(r: ByteReader, refs: unknown[]): unknown {
  let tag = r.u8();
  while (tag === Tag.PAD) tag = r.u8();
  switch (tag) {
    case Tag.UNDEFINED:
      return undefined;
    case Tag.NULL:
      return null;
    case Tag.FALSE:
      return false;
    case Tag.TRUE:
      return true;
    case Tag.INT32:
      return r.i32();
    case Tag.FLOAT64:
      return r.f64();
    case Tag.STRING:
      return r.string();
    case Tag.STRING16:
      return r.string16();
    case Tag.BIGINT:
      return readBigIntPayload(r);
    case Tag.ARRAY:
      return decodeArray(r, refs);
    case Tag.SPARSE_ARRAY: {
      const out: unknown[] = new Array(r.u32());
      refs.push(out);
      return decodeFields(r, refs, out, r.u32());
    }
    case Tag.OBJECT:
      return decodeObject(r, refs);
    case Tag.REF: {
      const id = r.u32();
      if (id >= refs.length) {
        throw new TypeError(`Cannot decode value: reference to an unknown object, received ${id}`);
      }
      const seen = refs[id];
      return seen instanceof BufferOf ? seen.view.buffer : seen;
    }
    case Tag.UINT8ARRAY: {
      const out = r.copy(r.u32());
      // The buffer's id, resolved only if something refers to it: reading `.buffer` makes V8
      // move a small array's bytes out of its heap object, which costs more than the copy.
      refs.push(out, new BufferOf(out));
      return out;
    }
    case Tag.ARRAYBUFFER:
    case Tag.RESIZABLE_ARRAYBUFFER:
      return decodeArrayBuffer(r, refs, tag);
    case Tag.VIEW:
      return decodeView(r, refs);
    case Tag.OUT_OF_BAND:
      return decodeOutOfBand(r, refs);
    case Tag.OUT_OF_BAND_PRIMITIVE: {
      const item = outOfBandItem(r);
      if (typeof item !== "string" && typeof item !== "bigint") throw badItem(item);
      return item;
    }
    case Tag.DATE: {
      const out = new Date(r.f64());
      refs.push(out);
      return out;
    }
    case Tag.REGEXP: {
      const source = readString(r);
      const out = new RegExp(source, readString(r));
      refs.push(out);
      return out;
    }
    case Tag.MAP:
      return decodeMap(r, refs);
    case Tag.SET: {
      const out = new Set();
      refs.push(out);
      for (let n = r.u32(); n > 0; n--) out.add(decode(r, refs));
      return out;
    }
    case Tag.NUMBER_OBJECT:
      return pushed(refs, Object(r.f64()));
    case Tag.STRING_OBJECT:
      return pushed(refs, Object(readString(r)));
    case Tag.BOOLEAN_OBJECT:
      return pushed(refs, Object(r.u8() === 1));
    case Tag.BIGINT_OBJECT:
      return pushed(refs, Object(readBigIntPayload(r)));
    case Tag.ERROR:
      return decodeError(r, refs, CHILD);
    case Tag.DOM_EXCEPTION:
      return decodeDomException(r, refs, CHILD);
    default:
      throw badTag(tag, "for a value");
  }
}

function pushed(refs: unknown[], value: object): object {
  refs.push(value);
  return value;
}

/** A property key: a string, cached when short (see `ByteReader.key`). */
function readKey(r: ByteReader): string {
  return readString(r, true);
}

/** A `STRING` or `STRING16`; as a property key, short ones come from the key cache. */
function readString(r: ByteReader, asKey = false): string {
  let tag = r.u8();
  while (tag === Tag.PAD) tag = r.u8();
  if (tag === Tag.STRING) return asKey ? r.key() : r.string();
  if (tag === Tag.STRING16) return r.string16();
  throw badTag(tag, "for a string");
}

function readBigIntPayload(r: ByteReader): bigint {
  const sign = r.u8();
  let magnitude: bigint;
  if (sign >= 2) {
    magnitude = BigInt(`0x${r.string()}`);
  } else {
    const words = r.u32();
    if (words > 2) {
      throw new TypeError(`Cannot decode value: bigint of more than 2 words, received ${words}`);
    }
    const low = words > 0 ? r.u32() : 0;
    const high = words > 1 ? r.u32() : 0;
    magnitude = (BigInt(high) << 32n) | BigInt(low);
  }
  return sign & 1 ? -magnitude : magnitude;
}

function decodeArray(r: ByteReader, refs: unknown[]): unknown[] {
  const n = r.u32();
  // Built with push so that a dense array comes out packed, which engines index faster.
  const out: unknown[] = [];
  refs.push(out);
  const bytes = r.bytes;
  for (let i = 0; i < n; i++) {
    // Numbers are read here rather than through `decode`: arrays of numbers are common and the
    // call through the big switch costs as much as the read.
    const tag = bytes[r.pos];
    if (tag === Tag.FLOAT64) {
      r.pos++;
      out.push(r.f64());
    } else if (tag === Tag.INT32) {
      r.pos++;
      out.push(r.i32());
    } else if (tag === Tag.HOLE) {
      r.pos++;
      out.length = i + 1;
    } else if (tag === Tag.DATE) {
      // Dates too: an array of them is the common case, and one call fewer per date shows.
      r.pos++;
      const date = new Date(r.f64());
      refs.push(date);
      out.push(date);
    } else if (tag === Tag.DATE_RUN) {
      r.pos++;
      i = readDateRun(r, refs, out, i, n);
    } else if (tag === Tag.STRING_RUN) {
      r.pos++;
      i = readStringRun(r, out, i, n, readString);
    } else {
      out.push(decode(r, refs));
    }
  }
  return decodeFields(r, refs, out, r.u32());
}

function decodeFields<T extends object>(r: ByteReader, refs: unknown[], target: T, n: number): T {
  for (let i = 0; i < n; i++) {
    const key = readKey(r);
    setField(target, key, decode(r, refs));
  }
  return target;
}

/** A plain object's fields: read first, then set together (see `object_shapes.ts`). */
function decodeObject(r: ByteReader, refs: unknown[]): object {
  const out = {};
  // Entered before its fields are read: a field may refer back to it.
  refs.push(out);
  const n = r.u32();
  if (n > MAX_FIELDS) {
    // No compiled shape takes this many keys: set each as it is read, without the arrays.
    for (let i = 0; i < n; i++) {
      const key = readString(r);
      setField(out, key, decode(r, refs));
    }
    return out;
  }
  const keys = new Array<string>(n);
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    keys[i] = readKey(r);
    values[i] = decode(r, refs);
  }
  fillObject(out, keys, values, n);
  return out;
}

function decodeArrayBuffer(r: ByteReader, refs: unknown[], tag: number): ArrayBuffer {
  const n = r.u32();
  let out: ArrayBuffer;
  if (tag === Tag.RESIZABLE_ARRAYBUFFER) {
    out = new ArrayBuffer(n, { maxByteLength: r.u32() });
    new Uint8Array(out).set(r.window(n));
  } else {
    out = r.copy(n).buffer as ArrayBuffer;
  }
  refs.push(out);
  return out;
}

const NO_ITEMS: readonly unknown[] = [];
/** The out-of-band items of the message being decoded. */
let outOfBand: readonly unknown[] = NO_ITEMS;

function outOfBandItem(r: ByteReader): unknown {
  const index = r.u32();
  if (index >= outOfBand.length) {
    throw new TypeError(`Cannot decode value: out-of-band item missing, received index ${index}`);
  }
  return outOfBand[index];
}

function badItem(item: unknown): TypeError {
  return new TypeError(`Cannot decode value: wrong out-of-band item, received ${typeof item}`);
}

function decodeOutOfBand(r: ByteReader, refs: unknown[]): object {
  const item = outOfBandItem(r);
  if (typeof item !== "object" || item === null) throw badItem(item);
  refs.push(item);
  return item;
}

function decodeView(r: ByteReader, refs: unknown[]): ArrayBufferView {
  const kind = r.u8();
  const View = VIEW_CONSTRUCTORS[kind];
  if (View === undefined) {
    throw new TypeError(`Cannot decode value: unknown or unavailable view kind, received ${kind}`);
  }
  // The view's id comes before its buffer's; the buffer cannot refer back to the view.
  const id = refs.length;
  refs.push(undefined);
  const tag = r.u8();
  let buffer: unknown;
  if (tag === Tag.REF) {
    r.pos--;
    buffer = decode(r, refs);
  } else if (tag === Tag.ARRAYBUFFER || tag === Tag.RESIZABLE_ARRAYBUFFER) {
    buffer = decodeArrayBuffer(r, refs, tag);
  } else if (tag === Tag.OUT_OF_BAND) {
    buffer = decodeOutOfBand(r, refs);
  }
  if (
    !(buffer instanceof ArrayBuffer) &&
    !(typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer)
  ) {
    throw badTag(tag, "for the buffer of a view");
  }
  const byteOffset = r.u32();
  const length = r.u32();
  const out = length === VIEW_LENGTH_TRACKING
    ? new View(buffer as ArrayBuffer, byteOffset)
    : new View(buffer as ArrayBuffer, byteOffset, length);
  refs[id] = out;
  return out;
}

function decodeMap(r: ByteReader, refs: unknown[]): Map<unknown, unknown> {
  const out = new Map();
  refs.push(out);
  for (let n = r.u32(); n > 0; n--) {
    const key = decode(r, refs);
    out.set(key, decode(r, refs));
  }
  return out;
}

/** What the error decoder reads through: this file's own readers, passed rather than imported. */
const CHILD: DecodeChild = { value: decode, string: readString, fields: decodeFields };
