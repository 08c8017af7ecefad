/**
 * Decodes the runs of an `ARRAY`'s elements that the encoder packs: a `DATE_RUN` (time values; see
 * `date_encoder.ts`) and a `STRING_RUN` (lengths, then one string; see `string_run_encoder.ts`). Each stands
 * for several elements, checked against the elements the array has left.
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";

/** The count of a run among the elements of an `ARRAY`, checked against the elements left. */
function runCount(r: ByteReader, i: number, n: number): number {
  const count = r.u32();
  if (count < 2 || count > n - i) {
    throw new TypeError(
      `Cannot decode value: a run of elements must hold 2 to ${n - i}, received ${count}`,
    );
  }
  return count;
}

/**
 * Reads a `DATE_RUN` (its tag read) standing for elements `i..` of `out`.
 * @returns The index of its last element.
 */
export function readDateRun(
  r: ByteReader,
  refs: unknown[],
  out: unknown[],
  i: number,
  n: number,
): number {
  const count = runCount(r, i, n);
  const view = r.view;
  let pos = r.pos;
  for (let k = 0; k < count; k++) {
    const date = new Date(view.getFloat64(pos, true));
    pos += 8;
    refs.push(date);
    out.push(date);
  }
  r.pos = pos;
  return i + count - 1;
}

/**
 * Reads a `STRING_RUN` (its tag read) standing for elements `i..` of `out`: each string is a
 * `substring` of the run's one string (see `string_run_encoder.ts`), read with `readString`.
 * @returns The index of its last element.
 */
export function readStringRun(
  r: ByteReader,
  out: unknown[],
  i: number,
  n: number,
  readString: (r: ByteReader) => string,
): number {
  const count = runCount(r, i, n);
  const bytes = r.bytes;
  const lengthsAt = r.pos;
  // The lengths come first; skipped to the string, then read while cutting it.
  let pos = lengthsAt;
  for (let k = 0; k < count; k++) while (bytes[pos++] & 0x80);
  r.pos = pos;
  const joined = readString(r);
  pos = lengthsAt;
  let start = 0;
  for (let k = 0; k < count; k++) {
    let units = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[pos++];
      units += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    out.push(joined.substring(start, start + units));
    start += units;
  }
  if (start !== joined.length) {
    throw new TypeError(
      `Cannot decode value: a run's strings must add up to its ${joined.length} units, received ${start}`,
    );
  }
  return i + count - 1;
}
