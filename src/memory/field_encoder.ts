/**
 * Encodes an object's fields: the (key, value) pairs that follow the count in an `OBJECT`, after
 * the elements of an `ARRAY` (its extra properties) and after an `ERROR`'s header (its own
 * enumerable properties).
 *
 * @module
 */

import type { EncodeChild, EncodeState } from "./encode_state.ts";
import { writeString } from "./primitive_encoder.ts";
import { keySegment, withSegment } from "./uncloneable.ts";

/** Writes (key, value) pairs for `keys[from..]`; the caller has written the count. */
export function encodeFields(
  st: EncodeState,
  value: object,
  keys: string[],
  from: number,
  encode: EncodeChild,
): void {
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
