/**
 * A growable, thread-local byte buffer that the codec encodes into. Values are encoded here
 * first and then copied into a slot or a payload extent, except for the fast paths in
 * `src/transport/outbox.ts` that write straight into shared memory.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Appends little-endian numbers, bytes and UTF-8 strings to a growable buffer. */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  /** Bytes written so far. */
  length = 0;

  /** @param capacity Initial capacity in bytes. */
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Forgets what was written; keeps the memory. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Appends raw bytes. */
  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  /** Appends a u32 byte length and the UTF-8 bytes of `value` (lone surrogates become U+FFFD). */
  string(value: string): void {
    this.ensure(4 + value.length * 3);
    const at = this.length + 4;
    const { written } = encoder.encodeInto(value, this.bytes.subarray(at));
    this.view.setUint32(this.length, written, true);
    this.length = at + written;
  }
}
