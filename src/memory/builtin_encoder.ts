/**
 * Encodes the objects `value_kind.ts` sorts: class instances (as plain objects), `Date`,
 * `RegExp`, `Map`, `Set` and boxed primitives here; bare `ArrayBuffer`s and errors through their
 * own files; anything else is refused.
 *
 * @module
 */

import { encodeArrayBufferValue } from "./buffer_encoder.ts";
import type { EncodeChild, EncodeState } from "./encode_state.ts";
import { encodeDomException, encodeError } from "./error_encoder.ts";
import { encodeFields } from "./field_encoder.ts";
import { writeBigIntPayload, writeString } from "./primitive_encoder.ts";
import { Tag } from "./tags.ts";
import { describe, literal, Uncloneable, withSegment } from "./uncloneable.ts";
import { Kind, refusal } from "./value_kind.ts";

/**
 * Encodes `value`, of the given {@linkcode Kind} and whose id the caller has taken; `encode`
 * encodes what it contains.
 *
 * @throws {Uncloneable} When `value` is of a kind that cannot cross.
 */
export function encodeBuiltIn(
  st: EncodeState,
  value: object,
  kind: number,
  encode: EncodeChild,
): void {
  const w = st.w;
  // An object with a built-in's prototype but not its internal slots crosses as a plain object,
  // as with `structuredClone`.
  if (!hasSlots(value, kind)) kind = Kind.PLAIN;
  switch (kind) {
    case Kind.PLAIN: {
      // Class instances cross as their own enumerable properties, as with `structuredClone`.
      w.u8(Tag.OBJECT);
      const keys = Object.keys(value);
      w.u32(keys.length);
      encodeFields(st, value, keys, 0, encode);
      return;
    }
    case Kind.ARRAYBUFFER:
      encodeArrayBufferValue(st, value as ArrayBuffer);
      return;
    case Kind.DATE:
      w.u8(Tag.DATE);
      // The internal time, as structuredClone reads it, not an own or overridden getTime.
      w.f64(Date.prototype.getTime.call(value));
      return;
    case Kind.REGEXP:
      w.u8(Tag.REGEXP);
      writeString(w, (value as RegExp).source);
      writeString(w, (value as RegExp).flags);
      return;
    case Kind.MAP:
      encodeMap(st, value as Map<unknown, unknown>, encode);
      return;
    case Kind.SET:
      encodeSet(st, value as Set<unknown>, encode);
      return;
    case Kind.ERROR:
      encodeError(st, value as Error, encode);
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

/** A method or getter of each built-in kind that throws on an object without its slots. */
const SLOT_READS: ((this: unknown) => unknown)[] = [];
const getter = (proto: object, key: string) =>
  Object.getOwnPropertyDescriptor(proto, key)?.get as (this: unknown) => unknown;
SLOT_READS[Kind.ARRAYBUFFER] = getter(ArrayBuffer.prototype, "byteLength");
SLOT_READS[Kind.DATE] = Date.prototype.getTime;
SLOT_READS[Kind.REGEXP] = getter(RegExp.prototype, "source");
SLOT_READS[Kind.MAP] = getter(Map.prototype, "size");
SLOT_READS[Kind.SET] = getter(Set.prototype, "size");
SLOT_READS[Kind.NUMBER] = Number.prototype.valueOf;
SLOT_READS[Kind.STRING] = String.prototype.valueOf;
SLOT_READS[Kind.BOOLEAN] = Boolean.prototype.valueOf;
SLOT_READS[Kind.BIGINT] = BigInt.prototype.valueOf;

/** Whether `value` has the internal slots of `kind` (always, for kinds not read through one). */
function hasSlots(value: object, kind: number): boolean {
  const read = SLOT_READS[kind];
  if (read === undefined) return true;
  try {
    read.call(value);
    return true;
  } catch {
    return false;
  }
}

function encodeMap(st: EncodeState, map: Map<unknown, unknown>, encode: EncodeChild): void {
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

function encodeSet(st: EncodeState, set: Set<unknown>, encode: EncodeChild): void {
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
