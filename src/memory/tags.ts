/**
 * The one-byte tags of the value codec. The wire format is declared here and nowhere else; the
 * encoder and decoder both import it. New types get new tags; the transport never looks at them.
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
  /** u32 byte length, UTF-8 */
  STRING: 6,
  /** u8 sign, u32 word count, u32 words little-endian */
  BIGINT: 7,
  /** u32 length, then each element */
  ARRAY: 8,
  /** u32 key count, then (string key, value) pairs */
  OBJECT: 9,
  /** u32 byte length, bytes */
  UINT8ARRAY: 10,
  /** u32 byte length, bytes */
  ARRAYBUFFER: 11,
  /** string name, string message, string stack, u8 has-cause, [cause], then fields as OBJECT */
  ERROR: 12,
} as const;
