/**
 * Encodes dates whose prototype is `Date.prototype`: one as a `DATE`, or a `REF` when it was met
 * before, and a stretch of new ones among an array's elements as one `DATE_RUN`. Their ids come
 * from the general table but they are found again through the date table (`date_table.ts`).
 *
 * A date of another prototype (a subclass instance) goes through the general table and
 * `builtin_encoder.ts`; a getter that changes a date's prototype between two of its appearances
 * in one value makes it arrive as two dates.
 *
 * @module
 */

import { type EncodeState, MAX_DEPTH } from "./encode_state.ts";
import { Tag } from "./tags.ts";

/** The internal time of a date, as `structuredClone` reads it, not an own or patched getTime. */
const getTime = Date.prototype.getTime;

/**
 * True when `value` has a date's internal time. An object that only has Date's prototype
 * (`Object.create(Date.prototype)`) has none, and `structuredClone` sends it as a plain object.
 */
export function isDate(value: object): value is Date {
  try {
    getTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/** True when `item` is a date whose prototype is `Date.prototype`. */
export function isPlainDate(item: unknown): item is Date {
  return typeof item === "object" && item !== null &&
    Object.getPrototypeOf(item) === Date.prototype && isDate(item);
}

/** Encodes `date` (a {@linkcode isPlainDate}) as a `DATE`, or a `REF` to its first appearance. */
export function encodeDate(st: EncodeState, date: Date): void {
  const w = st.w;
  const time = getTime.call(date);
  const seen = st.dates.findOrAdd(date, time, st.refs.next);
  if (seen !== -1) {
    w.u8(Tag.REF);
    w.u32(seen);
    return;
  }
  st.refs.add(null);
  // A leaf counts as a level, as other objects do (see MAX_DEPTH).
  if (st.depth + 1 > MAX_DEPTH) {
    st.depth++;
    throw new RangeError("Cannot send value: nested too deep");
  }
  w.u8(Tag.DATE);
  w.f64(time);
}

/**
 * Encodes `arr[from..]`, whose first element is a {@linkcode isPlainDate}, up to the first
 * element that is not one or that was met before: as one `DATE_RUN`, or alone when the stretch
 * holds a single date.
 * @returns The index after the last element encoded.
 */
export function encodeDateRun(st: EncodeState, arr: unknown[], from: number, n: number): number {
  const w = st.w;
  // One check for the whole stretch: its dates sit one level below the array.
  if (st.depth + 1 > MAX_DEPTH) {
    encodeDate(st, arr[from] as Date);
    return from + 1;
  }
  const at = w.length;
  w.u8(Tag.DATE_RUN);
  const countAt = w.reserveU32();
  let i = from;
  for (; i < n; i++) {
    const item = arr[i];
    // The prototype here, the time's slot below: one read of it per date (isPlainDate reads twice).
    if (
      typeof item !== "object" || item === null || Object.getPrototypeOf(item) !== Date.prototype
    ) {
      break;
    }
    let time: number;
    try {
      time = getTime.call(item);
    } catch {
      // Not a date (see isDate): it ends the run, and the array encodes it as what it is.
      break;
    }
    if (st.dates.findOrAdd(item as Date, time, st.refs.next) !== -1) break;
    st.refs.add(null);
    w.f64(time);
  }
  if (i - from > 1) {
    w.patchU32(countAt, i - from);
    return i;
  }
  // A stretch of one (or none, when the first date was met before) costs less alone.
  w.length = at;
  if (i === from) {
    encodeDate(st, arr[from] as Date);
    return from + 1;
  }
  // The date has its id; rewrite it as a plain DATE.
  w.u8(Tag.DATE);
  w.f64(getTime.call(arr[from]));
  return i;
}
