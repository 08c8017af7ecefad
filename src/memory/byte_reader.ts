/**
 * Reads what {@linkcode ByteWriter} wrote, from any memory window: a slot's inline area or a
 * payload extent in a `SharedArrayBuffer`. Everything it returns is a copy: the window is reused
 * by the producer as soon as the consumer publishes that it has read the message.
 *
 * @module
 */

const decoder = new TextDecoder();

/** Sequential little-endian reader over a byte window. */
export class ByteReader {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;

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

  /** Reads a u32 byte length and that many UTF-8 bytes. */
  string(): string {
    const n = this.u32();
    const start = this.pos;
    this.pos += n;
    if (n < 24) {
      // Short strings: a plain loop beats the TextDecoder call for ASCII.
      const b = this.bytes;
      let s = "";
      for (let i = start; i < start + n; i++) {
        const c = b[i];
        if (c > 0x7f) return decoder.decode(b.subarray(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(this.bytes.subarray(start, start + n));
  }
}
