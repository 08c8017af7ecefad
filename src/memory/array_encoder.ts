/**
 * Encodes arrays: dense ones as an `ARRAY` of elements, ones with a few holes as an `ARRAY` with
 * `HOLE` markers, mostly-hole ones as a `SPARSE_ARRAY` of their present indices; extra (non-index)
 * properties follow as fields.
 *
 * @module
 */

import { encodeDateRun, isPlainDate } from "./date_encoder.ts";
import type { EncodeChild, EncodeState } from "./encode_state.ts";
import { encodeFields } from "./field_encoder.ts";
import { writeNumber, writeString } from "./primitive_encoder.ts";
import { encodeStringRun } from "./string_run_encoder.ts";
import { Tag } from "./tags.ts";
import { keySegment, withSegment } from "./uncloneable.ts";

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

/**
 * Arrays from this length up to `ARRAY_KEY_SCAN_MAX_LENGTH` are checked with
 * {@linkcode onlyIndexKeys} rather than `Object.keys`; Infinity: never (see
 * {@linkcode countArrayKeysFrom}).
 */
let countKeysFrom = Infinity;

/**
 * Where listing an array's keys with `Object.keys` costs more than counting them with `for…in`,
 * arrays from `length` elements are checked by counting.
 * @param length The shortest array checked by counting; Infinity: none.
 */
export function countArrayKeysFrom(length: number): void {
  countKeysFrom = length;
}

/**
 * True when the own enumerable string keys of `arr` (n > 0 elements) are exactly "0".."n-1": no
 * holes and no extra properties. `for…in` visits own keys before inherited ones, and own indices
 * in ascending order before any other own key; so when the last of its n keys is "n-1" and `arr`
 * has that index itself, every key was an own index below n. Reads no element (an index getter
 * runs once, when the element is encoded).
 */
function onlyIndexKeys(arr: unknown[], n: number): boolean {
  let count = 0;
  let last = "";
  for (const key in arr) {
    count++;
    last = key;
  }
  return count === n && last === String(n - 1) && Object.hasOwn(arr, last);
}

/** True when `arr` has a hole; stops at the first one. */
function hasHole(arr: unknown[]): boolean {
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] === undefined && !(i in arr)) return true;
  }
  return false;
}

/** Encodes `arr`, whose id the caller has taken; `encode` encodes each element and field. */
export function encodeArray(st: EncodeState, arr: unknown[], encode: EncodeChild): void {
  const w = st.w;
  const n = arr.length;
  if (
    n > ARRAY_KEY_SCAN_MAX_LENGTH ? !hasHole(arr) : n >= countKeysFrom && onlyIndexKeys(arr, n)
  ) {
    // The fast path for dense arrays: long ones, whose extra properties are not sent (only
    // `Object.keys` could find them, at the cost of a string per element), and counted ones,
    // which have none.
    w.u8(Tag.ARRAY);
    w.u32(n);
    encodeElements(st, arr, n, encode);
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
    encodeSparseArray(st, arr, keys, encode);
    return;
  }
  w.u8(Tag.ARRAY);
  w.u32(n);
  if (present === n) {
    encodeElements(st, arr, n, encode);
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
  encodeFields(st, arr, keys, present, encode);
}

/**
 * Encodes `arr[0..n)`, none of which is a hole: element by element, or, when the first is a
 * string or a date, with runs (see {@linkcode encodeElementsWithRuns}).
 */
function encodeElements(st: EncodeState, arr: unknown[], n: number, encode: EncodeChild): void {
  // Decided once per array: a check per element for a run's start cost a tree of small objects
  // 13% more instructions (Node 24), and arrays of strings or dates are mostly all of a kind.
  const first = arr[0];
  if (typeof first === "string" || (typeof first === "object" && isPlainDate(first))) {
    encodeElementsWithRuns(st, arr, n, encode);
    return;
  }
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

/**
 * Encodes `arr[0..n)`, none of which is a hole, sending stretches of consecutive dates and of
 * short strings as runs (`date_encoder.ts`, `string_run_encoder.ts`): no tag or call per item.
 */
function encodeElementsWithRuns(
  st: EncodeState,
  arr: unknown[],
  n: number,
  encode: EncodeChild,
): void {
  const w = st.w;
  let i = 0;
  try {
    while (i < n) {
      const item = arr[i];
      if (typeof item === "number") {
        writeNumber(w, item);
        i++;
      } else if (typeof item === "string") {
        const next = encodeStringRun(st, arr, i, n);
        if (next === i) {
          encode(st, item);
          i++;
        } else {
          i = next;
        }
      } else if (isPlainDate(item)) {
        i = encodeDateRun(st, arr, i, n);
      } else {
        encode(st, item);
        i++;
      }
    }
  } catch (err) {
    throw withSegment(err, `[${i}]`);
  }
}

/** Mostly holes: only the present indices (and extra properties) are sent, as keys. */
function encodeSparseArray(
  st: EncodeState,
  arr: unknown[],
  keys: string[],
  encode: EncodeChild,
): void {
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
