/**
 * Strings sent as UTF-16 code units (`STRING16`) rather than UTF-8, on a runtime that can copy
 * units straight between a string and a byte array (Node and Bun: `Buffer`'s `utf16le` routes,
 * handed in through `DecodeTuning` from `src/runtime/buffer_strings.ts`). There a non-ASCII string
 * costs a copy each way, where UTF-8 costs a transcode each way: on Node 24 a 4 KiB Cyrillic
 * string went out and back in 10.2 µs through `encodeInto`/`TextDecoder` against 1.0 µs this way,
 * 256 KiB in 1,100 against 227 µs, a 64 KiB Latin-1 string in 75 against 28 µs. ASCII strings
 * stay UTF-8, one byte a character, which is as fast and half the bytes.
 *
 * Set once per thread; unset (Deno, whose `Buffer` route was 1.5-7x slower than its UTF-8), every
 * string takes the UTF-8 path and `STRING16` only carries lone surrogates, through the plain loops
 * of `ByteWriter.utf16` and `ByteReader.string16`.
 *
 * @module
 */

/** Copies between strings and their UTF-16 code units in a byte array, little-endian. */
export interface Utf16Copies {
  /**
   * Writes the code units of `value` (lone surrogates included) into `bytes` from `at`, which
   * has room for all of them.
   * @returns The bytes written: twice `value.length`.
   */
  write(bytes: Uint8Array, at: number, value: string): number;
  /** The string of the code units in `bytes` from `from` to `end` (`end - from` even). */
  read(bytes: Uint8Array, from: number, end: number): string;
}

/**
 * Most characters looked at to choose. A look costs about 60 instructions on V8 (at a sliced
 * string's character, callgrind), which a round trip of an ASCII string feels: 32 looks took a 4
 * KiB one from 13,060 to 14,284 instructions. So a string gets one look per 64 units, between 4
 * and 16: a 4 KiB ASCII string pays 16 (13,398), a 256 B one 4 (7,368 to 7,766).
 */
const PROBE_UNITS = 16;
/** Fewest characters looked at. */
const MIN_PROBE_UNITS = 4;

/** Strings this short stay UTF-8: below it a `Buffer` route's fixed cost is not won back. */
export const WIDE_MIN_UNITS = 16;

/** This thread's copies, if its runtime has fast ones. */
let copies: Utf16Copies | undefined;

/** Makes this thread's codec send non-ASCII strings through `next` (see the module doc). */
export function useUtf16Copies(next: Utf16Copies | undefined): void {
  copies = next;
}

/** This thread's copies, or undefined when strings go as UTF-8. */
export function utf16Copies(): Utf16Copies | undefined {
  return copies;
}

/** Whether `value` may go as UTF-16 (without looking at its characters: see `sendsWide`). */
export function fitsWide(value: string): boolean {
  return copies !== undefined && value.length >= WIDE_MIN_UNITS;
}

/**
 * Whether `value` goes as UTF-16: this thread has copies, the string has at least
 * {@linkcode WIDE_MIN_UNITS} units and one of a few spread over it (see `PROBE_UNITS`) is not
 * ASCII, as in text in a non-Latin script or with accents, where UTF-16 wins. A look at every
 * character would cost an ASCII string (most of them) more than UTF-16 could win; spread looks
 * also see past an ASCII start (markup, a JSON key). Lone surrogates are kept by UTF-16, so the
 * caller need not check `isWellFormed` then.
 */
export function sendsWide(value: string): boolean {
  return copies !== undefined && value.length >= WIDE_MIN_UNITS && looksWide(value);
}

/**
 * Whether one of a few characters spread over `value` (see `PROBE_UNITS`) is not ASCII: the test
 * of {@linkcode sendsWide}, whatever this thread's copies. Out-of-band wide strings use it too.
 */
export function looksWide(value: string): boolean {
  const n = value.length;
  const looks = Math.min(PROBE_UNITS, Math.max(MIN_PROBE_UNITS, n >>> 6));
  // At least 1: a string shorter than the looks has every character looked at.
  const step = Math.max(1, Math.floor(n / looks));
  for (let i = 0; i < n; i += step) {
    if (value.charCodeAt(i) > 0x7f) return true;
  }
  return false;
}
