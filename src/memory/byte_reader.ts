/**
 * Reads what {@linkcode ByteWriter} wrote, from any memory window: a slot's inline area or a
 * payload extent in a `SharedArrayBuffer`. Everything it returns is a copy: the window is reused
 * by the producer as soon as the consumer publishes that it has read the message.
 *
 * @module
 */

import { utf16Copies, WIDE_MIN_UNITS } from "./utf16_copies.ts";

/** `ignoreBOM`: a string that starts with U+FEFF keeps it (by default the decoder drops it). */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
/** UTF-8 strings shorter than this are decoded without `TextDecoder` when they are ASCII. */
const SHORT_STRING_BYTES = 32;
/** Short ASCII keys decoded before, by a hash of their bytes (see {@linkcode ByteReader.key}). */
const keys = new Map<number, string>();
/** Keys kept at most; the cache starts over beyond this, so odd keys cannot grow it forever. */
const MAX_KEYS = 4096;
/** Code units per `String.fromCharCode` call when decoding UTF-16. */
const UTF16_CHUNK_UNITS = 4096;
/** Longest string copied out of shared memory before decoding (see `copySharedBeforeDecode`). */
const COPY_DECODE_MAX_BYTES = 4 * 1024 * 1024;
/** Slots of `known`: a power of two. */
const KNOWN_SLOTS = 256;
/**
 * Short ASCII strings decoded before, one per slot of a hash of their length and three of their
 * bytes, on a runtime where finding a string again beats building it (see `cacheShortStrings`).
 */
let known: string[] | undefined;
/** Whether strings in shared memory are copied into `decodeScratch` before they are decoded. */
let copyShared = false;
/** This thread's private copy of a string's bytes; grows up to `COPY_DECODE_MAX_BYTES`. */
let decodeScratch = new Uint8Array(0);

/**
 * Makes this thread's readers over shared memory copy a string's UTF-8 into a private buffer
 * before decoding it, for a runtime whose `TextDecoder` reads a view of a `SharedArrayBuffer`
 * slowly (Deno 2.9: 2,617 ns to decode 2 KiB there, 540 ns to copy with `set` and decode). Other
 * runtimes decode shared memory as fast as private memory, and the copy would only add to it.
 */
export function copySharedBeforeDecode(on: boolean): void {
  copyShared = on;
}

/**
 * Makes this thread's readers look a short ASCII string up among the last ones decoded before
 * building it, for a runtime where building one costs several times the look-up (JavaScriptCore:
 * an 11-character string 35-40 ns from `fromCharCode`, 12-15 ns found again by comparing its
 * bytes; 16% of a Bun host's time in batches of `"hello"` calls went to `fromCharCode`). On V8 the
 * two cost the same (about 20 ns). A string that is not found costs the hash and a store more.
 */
export function cacheShortStrings(on: boolean): void {
  known = on ? new Array<string>(KNOWN_SLOTS).fill("") : undefined;
}

/** A view over a byte array whose `toString("utf8", from, end)` decodes that range (a `Buffer`). */
export interface Utf8Text {
  toString(encoding: "utf8", from: number, end: number): string;
}

/** This thread's text views, if its runtime decodes UTF-8 faster through them. */
let utf8Text: ((bytes: Uint8Array) => Utf8Text) | undefined;

/**
 * Makes this thread's readers decode UTF-8 through a text view over their byte array, made once
 * per array, for a runtime where that beats `TextDecoder` (Node's and Bun's `Buffer`: it skips
 * the decoder's argument handling and the `subarray` each string needs). Decoding a whole value
 * from shared memory, ns, medians of 3 alternating runs on a quiet machine, before → after: Node 24
 * a 40-byte ASCII string 120 → 89, 1,000 bytes 160 → 128, 4 KiB 326 → 299, eight objects of three
 * fields 2,625 → 2,041, a chain of two errors 1,628 → 1,554; Node 22 100-byte 106 → 92, the
 * objects 2,242 → 1,996; Bun 100-byte 126 → 97, the objects 2,100 → 1,686. 64 KiB and up tie.
 * Deno's `Buffer` has no such route. Valid UTF-8 only, as the codec writes: malformed input may
 * decode differently from `TextDecoder`.
 */
export function decodeUtf8Through(make: ((bytes: Uint8Array) => Utf8Text) | undefined): void {
  utf8Text = make;
}

/** Sequential little-endian reader over a byte window. */
export class ByteReader {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  /** True when every window is in a `SharedArrayBuffer` (the mailboxes' readers). */
  readonly shared: boolean;
  /** The text view over `textOf` (see {@linkcode decodeUtf8Through}). */
  #text: Utf8Text | undefined;
  #textOf: Uint8Array | undefined;

  /** @param shared Whether the windows this reader reads are in a `SharedArrayBuffer`. */
  constructor(shared = false) {
    this.shared = shared;
  }

  /** Points the reader at `bytes`/`view` (which must share a buffer) from byte `pos`. */
  reset(bytes: Uint8Array, view: DataView, pos: number): void {
    this.bytes = bytes;
    this.view = view;
    this.pos = pos;
  }

  u8(): number {
    return this.bytes[this.pos++];
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Copies `n` bytes into a new, unshared `Uint8Array`. */
  copy(n: number): Uint8Array {
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * A view of the next `n` bytes, moving past them. The view points into the window, which the
   * producer reuses: copy what it holds before returning anything decoded.
   */
  window(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a u32 count of UTF-16 code units and the units, keeping lone surrogates. */
  string16(): string {
    const n = this.u32();
    const b = this.bytes;
    let at = this.pos;
    // A count past the bytes (a corrupt message) would read garbage, or loop up to 2^32 times.
    if (n * 2 > b.length - at) {
      throw new RangeError(
        `Cannot decode value: a UTF-16 string runs past the end of its bytes, received ${n} units with ${
          b.length - at
        } bytes left`,
      );
    }
    this.pos += n * 2;
    const copies = utf16Copies();
    if (copies !== undefined && n >= WIDE_MIN_UNITS) return copies.read(b, at, this.pos);
    let out = "";
    // Chunks keep `fromCharCode.apply` under engines' argument-count limits.
    const units: number[] = [];
    for (let i = 0; i < n; i++) {
      units.push(b[at] | (b[at + 1] << 8));
      at += 2;
      if (units.length === UTF16_CHUNK_UNITS) {
        out += String.fromCharCode.apply(null, units);
        units.length = 0;
      }
    }
    return units.length === 0 ? out : out + String.fromCharCode.apply(null, units);
  }

  /**
   * Reads a string like {@linkcode ByteReader.string}, for use as a property key: a short ASCII
   * key that was read before comes back as the same string. Objects of one shape repeat their
   * keys call after call, and an engine stores a property under a string it has seen as a key
   * (internalized) much faster than under a fresh copy.
   */
  key(): string {
    const n = this.view.getUint32(this.pos, true);
    if (n === 0 || n >= SHORT_STRING_BYTES) return this.string();
    const b = this.bytes;
    const start = this.pos + 4;
    let hash = n;
    for (let i = start; i < start + n; i++) {
      const c = b[i];
      if (c > 0x7f) return this.string();
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    const seen = keys.get(hash);
    if (seen !== undefined && seen.length === n) {
      let i = 0;
      while (i < n && seen.charCodeAt(i) === b[start + i]) i++;
      if (i === n) {
        this.pos = start + n;
        return seen;
      }
    }
    const key = this.string();
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(hash, key);
    return key;
  }

  /** Reads a u32 byte length and that many UTF-8 bytes. */
  string(): string {
    const n = this.u32();
    const start = this.pos;
    this.pos += n;
    if (n < SHORT_STRING_BYTES) {
      const b = this.bytes;
      for (let i = start; i < start + n; i++) {
        if (b[i] > 0x7f) return this.#utf8(start, start + n);
      }
      return known === undefined || n === 0
        ? shortAscii(b, start, n)
        : knownAscii(known, b, start, n);
    }
    if (copyShared && this.shared && n <= COPY_DECODE_MAX_BYTES) {
      if (decodeScratch.length < n) {
        decodeScratch = new Uint8Array(
          Math.min(Math.max(n, decodeScratch.length * 2), COPY_DECODE_MAX_BYTES),
        );
      }
      decodeScratch.set(this.bytes.subarray(start, start + n));
      return decoder.decode(decodeScratch.subarray(0, n));
    }
    return this.#utf8(start, start + n);
  }

  /** The UTF-8 in `bytes` from `from` to `end`, through this thread's fastest decoder. */
  #utf8(from: number, end: number): string {
    const make = utf8Text;
    if (make === undefined) return decoder.decode(this.bytes.subarray(from, end));
    if (this.#textOf !== this.bytes) {
      this.#text = make(this.bytes);
      this.#textOf = this.bytes;
    }
    return (this.#text as Utf8Text).toString("utf8", from, end);
  }
}

const fromCharCode = String.fromCharCode;

/** The ASCII string of the `n` (at least 1) bytes at `a`, from `table` when it was decoded last in its slot. */
function knownAscii(table: string[], b: Uint8Array, a: number, n: number): string {
  const slot = (n * 31 + b[a] * 7 + b[a + (n >> 1)] * 13 + b[a + n - 1]) & (KNOWN_SLOTS - 1);
  const seen = table[slot];
  if (seen.length === n) {
    let i = 0;
    while (i < n && seen.charCodeAt(i) === b[a + i]) i++;
    if (i === n) return seen;
  }
  const out = shortAscii(b, a, n);
  table[slot] = out;
  return out;
}

/**
 * A short ASCII string from its bytes. Calls of `fromCharCode` with fixed arguments run 2-4x
 * faster on V8 than `fromCharCode.apply` over an array of codes or `TextDecoder` (a 5-character
 * string: about 70 ns against 220-270 ns), and a little faster on JavaScriptCore. Up to 12 characters, one
 * call of exactly that arity: each `+` of two short strings copies both into a new string (V8 makes
 * a rope only from 13 characters), which made an 11-character string 1.4-2x slower in pieces.
 */
function shortAscii(b: Uint8Array, a: number, n: number): string {
  // deno-fmt-ignore
  switch (n) {
    case 1: return fromCharCode(b[a]);
    case 2: return fromCharCode(b[a], b[a + 1]);
    case 3: return fromCharCode(b[a], b[a + 1], b[a + 2]);
    case 4: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3]);
    case 5: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4]);
    case 6: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5]);
    case 7: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6]);
    case 8: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6],
      b[a + 7]);
    case 9: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6],
      b[a + 7], b[a + 8]);
    case 10: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6],
      b[a + 7], b[a + 8], b[a + 9]);
    case 11: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6],
      b[a + 7], b[a + 8], b[a + 9], b[a + 10]);
    case 12: return fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6],
      b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11]);
  }
  // Longer: eight characters a call; the pieces join into a rope, without copying.
  let out = "";
  let i = a;
  const end = a + n;
  for (; i + 8 <= end; i += 8) {
    out += fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
  }
  for (; i < end; i++) out += fromCharCode(b[i]);
  return out;
}
