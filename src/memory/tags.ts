/**
 * The wire format of the value codec, declared here and nowhere else: the one-byte value tags and
 * the one-byte kinds of array-buffer views. The encoder and the decoder both import it; the
 * transport only writes the five tags of its fast paths (INT32, FLOAT64, STRING, UINT8ARRAY,
 * ARRAYBUFFER), whose numbers and layouts therefore never change.
 *
 * Conventions: numbers are little-endian. A "string" inside another layout (a key, a message)
 * is itself a tagged STRING or STRING16 value. "value" means any tagged value.
 *
 * Back references: every object (anything that is not a primitive) gets an id, counted from 0
 * in the order the encoder first meets it, before its children. The decoder counts the same way,
 * so REF can point back to an object that is already decoded or still being decoded (a cycle).
 * UINT8ARRAY takes two ids, the view's then its buffer's, so a later REF can reach the buffer.
 *
 * @module
 */

/** Value tags. */
export const Tag = {
  UNDEFINED: 0,
  NULL: 1,
  FALSE: 2,
  TRUE: 3,
  /** i32 */
  INT32: 4,
  /** f64 */
  FLOAT64: 5,
  /** u32 byte length, UTF-8 bytes. Only for well-formed strings (no lone surrogates). */
  STRING: 6,
  /**
   * Up to 64 bits: u8 sign (1 = negative), u32 word count (0-2), u32 words of the magnitude,
   * least significant first. Larger: u8 sign + 2, then the magnitude's hex digits (u32 length,
   * ASCII).
   */
  BIGINT: 7,
  /**
   * u32 length, then `length` elements, each a value or HOLE; then u32 count of extra (non-index)
   * properties and (string key, value) pairs. One id.
   */
  ARRAY: 8,
  /** u32 key count, then (string key, value) pairs. One id. Decodes to a plain object. */
  OBJECT: 9,
  /** u32 byte length, bytes: a Uint8Array over a buffer of its own. Two ids: view, buffer. */
  UINT8ARRAY: 10,
  /** u32 byte length, bytes. One id. */
  ARRAYBUFFER: 11,
  /**
   * u8 `ErrorFlag` bits, then either u8 index of a built-in class (with `BUILT_IN`: the class,
   * its base and its name are that class's) or string class name, string base class name
   * (nearest built-in), string name; then [string message], [string stack], [cause value],
   * [errors value], then u32 count and (string key, value) pairs of the own enumerable
   * properties. One id.
   */
  ERROR: 12,
  /** u32 length in UTF-16 code units, the units (u16 each): a string with lone surrogates. */
  STRING16: 13,
  /** u32 id of an object met earlier. */
  REF: 14,
  /** A missing element; appears only among the elements of ARRAY. */
  HOLE: 15,
  /**
   * u32 count (at least 2, at most the elements left), then that many f64 time values: as many
   * consecutive elements, each a new Date taking one id. Appears only among the elements of
   * ARRAY.
   */
  DATE_RUN: 32,
  /**
   * u32 count (at least 2, at most the elements left), then the UTF-16 length of each of that
   * many strings (LEB128: 7 bits a byte, low bits first), then one string value (STRING or
   * STRING16) that is their concatenation: as many consecutive string elements. Appears only
   * among the elements of ARRAY.
   */
  STRING_RUN: 33,
  /** f64 time value (NaN for an invalid Date). One id. */
  DATE: 16,
  /** string source, string flags. One id. */
  REGEXP: 17,
  /** u32 entry count, then (key value, value) pairs. One id. */
  MAP: 18,
  /** u32 element count, then the values. One id. */
  SET: 19,
  /** f64: a Number object. One id. */
  NUMBER_OBJECT: 20,
  /** string: a String object. One id. */
  STRING_OBJECT: 21,
  /** u8 0 or 1: a Boolean object. One id. */
  BOOLEAN_OBJECT: 22,
  /** bigint payload as in BIGINT, without its tag: a BigInt object. One id. */
  BIGINT_OBJECT: 23,
  /**
   * u8 `ViewKind`, the buffer (ARRAYBUFFER, RESIZABLE_ARRAYBUFFER or REF), u32 byte offset, u32
   * length (elements; bytes for a DataView). One id for the view, taken before the buffer's.
   */
  VIEW: 24,
  /** u32 byte length, u32 max byte length, bytes: a resizable ArrayBuffer. One id. */
  RESIZABLE_ARRAYBUFFER: 25,
  /**
   * u32 index into the message's out-of-band items: a SharedArrayBuffer, a moved ArrayBuffer or
   * a large copy (see `out_of_band.ts`). One id.
   */
  OUT_OF_BAND: 28,
  /** u32 index into the message's out-of-band items: a large string or bigint. No id. */
  OUT_OF_BAND_PRIMITIVE: 30,
  /**
   * No value: skipped where a value is read. Written before the tag of a large byte array or
   * string so that its bytes start 8-aligned (V8 copies to and from shared memory 3-6x faster
   * then, and encodes and decodes UTF-8 there about 2x faster).
   */
  PAD: 29,
  /**
   * u32 length, u32 count, then (string key, value) pairs: an array with more holes than
   * elements, its present indices and extra properties as keys. One id.
   */
  SPARSE_ARRAY: 26,
  /** u8 has-stack, string name, string message, [string stack]: a DOMException. One id. */
  DOM_EXCEPTION: 27,
  /**
   * Only at the start of a message: u32 window items, u32 window bytes, u32 input window items,
   * u8 `StreamFlag` bits, then the call's argument (a value): the request of a stream call (see
   * `stream_head.ts`).
   */
  STREAM_HEAD: 31,
} as const;

/** Bits of the flags byte of `Tag.STREAM_HEAD`. */
export const StreamFlag = {
  /** The host feeds the call an input stream (`ctx.input`). */
  INPUT: 1,
  /** The argument is the input stream itself (the value after the head is undefined). */
  ARG_IS_INPUT: 2,
} as const;

/** The kinds of `Tag.VIEW`. */
export const ViewKind = {
  INT8: 0,
  UINT8: 1,
  UINT8_CLAMPED: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  FLOAT16: 7,
  FLOAT32: 8,
  FLOAT64: 9,
  BIGINT64: 10,
  BIGUINT64: 11,
  DATA_VIEW: 12,
} as const;

/**
 * The length a `Tag.VIEW` gives for a view that tracks its resizable buffer's length (made without
 * one): no view in a message has this many elements, as offsets and lengths are u32.
 */
export const VIEW_LENGTH_TRACKING = 0xffff_ffff;

/** Bits of the flags byte of `Tag.ERROR`. */
export const ErrorFlag = {
  /** A message string follows. */
  MESSAGE: 1,
  /** A stack string follows. */
  STACK: 2,
  /** A cause value follows. */
  CAUSE: 4,
  /** An `errors` value follows (AggregateError). */
  ERRORS: 8,
  /** A u8 index into `BUILT_IN_CLASSES` (`error_classes.ts`) stands for the three names. */
  BUILT_IN: 16,
} as const;
