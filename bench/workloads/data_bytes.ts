/**
 * A value's nominal data size for the per-type suite's MB/s: the bytes its contents take however
 * they are encoded, not any codec's wire size. Text counts as UTF-8, a number or Date as 8 bytes,
 * a bigint as its magnitude's bytes, a typed array or ArrayBuffer as its bytes, an object as its
 * keys and values; structure (tags, lengths, nesting) counts nothing.
 *
 * @module
 */

const utf8 = new TextEncoder();

/** The nominal data bytes of `value` (see the module note). */
export function dataBytes(value: unknown): number {
  if (typeof value === "string") return utf8.encode(value).length;
  if (typeof value === "number" || value instanceof Date) return 8;
  if (typeof value === "bigint") {
    return Math.ceil((value < 0n ? -value : value).toString(16).length / 2);
  }
  if (typeof value !== "object" || value === null) return 0;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Map) {
    let sum = 0;
    for (const [k, v] of value) sum += dataBytes(k) + dataBytes(v);
    return sum;
  }
  if (value instanceof Set || Array.isArray(value)) {
    let sum = 0;
    for (const v of value) sum += dataBytes(v);
    return sum;
  }
  if (value instanceof Error) {
    return dataBytes(value.message) + dataBytes(value.stack) + dataBytes(value.cause);
  }
  let sum = 0;
  for (const [k, v] of Object.entries(value)) sum += dataBytes(k) + dataBytes(v);
  return sum;
}
