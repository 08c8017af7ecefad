import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { encodeValue } from "../../src/memory/codec.ts";
import {
  DIRECT_BYTES,
  directBound,
  encodeMessage,
  readMessage,
  writeDirect,
  writeSmall,
} from "../../src/memory/message_codec.ts";
import { outOfBand } from "../../src/memory/out_of_band.ts";

const ROOM = 48;

function window(bytes = 64): { u8: Uint8Array; dv: DataView } {
  const sab = new SharedArrayBuffer(bytes);
  return { u8: new Uint8Array(sab), dv: new DataView(sab) };
}

/** What the value codec writes for `value`. */
function codecBytes(value: unknown): Uint8Array {
  const w = new ByteWriter(16);
  encodeValue(w, value);
  return w.bytes.slice(0, w.length);
}

/** Writes `value` with the fast path at offset 8, checks it against the codec, reads it back. */
function small(value: unknown): unknown {
  const { u8, dv } = window();
  const n = writeSmall(u8, dv, 8, ROOM, value, undefined);
  assert.notEqual(n, -1, `no fast path for ${String(value)}`);
  assert.deepEqual(u8.slice(8, 8 + n), codecBytes(value));
  const out = readMessage(new ByteReader(), u8, dv, 8);
  u8.fill(0xee);
  return out;
}

describe("message codec fast paths", () => {
  it("writes small numbers, strings and byte arrays as the value codec would, and reads them back", () => {
    for (const value of [0, 1, -7, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 0.5, NaN, Infinity]) {
      assert.ok(Object.is(small(value), value));
    }
    assert.ok(Object.is(small(-0), -0));
    for (
      const value of ["", "a", "hello", "hello world", "x".repeat(43), "héllo", "日本語", "🙂"]
    ) {
      assert.equal(small(value), value);
    }
    for (let n = 0; n <= 40; n++) {
      const value = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95)))
        .join("");
      assert.equal(small(value), value);
    }
    assert.deepEqual(small(new Uint8Array([1, 2, 3])), new Uint8Array([1, 2, 3]));
    assert.deepEqual(small(new Uint8Array(0)), new Uint8Array(0));
  });

  it("leaves to the value codec what it cannot write exactly", () => {
    const { u8, dv } = window();
    const refused: unknown[] = [
      "x".repeat(44), // too long for the room
      "é".repeat(30), // fits as UTF-16 units, not as UTF-8 bytes
      "a\ud800b", // a lone surrogate
      new Uint8Array(new ArrayBuffer(8), 2, 4), // part of a buffer
      new Uint8Array(new ArrayBuffer(4, { maxByteLength: 8 })), // resizable
      new Uint8Array(44), // too long
      new Uint16Array(2),
      { a: 1 },
      true,
      undefined,
    ];
    for (const value of refused) {
      assert.equal(writeSmall(u8, dv, 8, ROOM, value, undefined), -1, String(value));
    }
    const moving = outOfBand();
    const bytes = new Uint8Array(4);
    moving.transfer = new Set([bytes.buffer]);
    assert.equal(writeSmall(u8, dv, 8, ROOM, bytes, moving), -1, "a buffer being moved");
  });

  it("writes large byte arrays and strings straight, as the value codec would with padding", () => {
    const values: unknown[] = [
      new Uint8Array(DIRECT_BYTES).map((_, i) => i),
      new Uint8Array(DIRECT_BYTES + 3).buffer,
      "long ".repeat(DIRECT_BYTES / 4),
      "日本".repeat(DIRECT_BYTES),
    ];
    for (const value of values) {
      const bound = directBound(value, undefined, 1 << 20);
      assert.ok(bound > 0);
      const { u8, dv } = window(bound + 8);
      const n = writeDirect(u8, dv, 8, bound, value);
      assert.ok(n <= bound);
      // The codec aligns from offset 0 the same way: its bytes start after the same padding.
      assert.deepEqual(u8.slice(8, 8 + n), codecBytes(value));
      assert.deepEqual(readMessage(new ByteReader(), u8, dv, 8), value);
    }
    assert.equal(directBound(new Uint8Array(DIRECT_BYTES - 1), undefined, 1 << 20), 0);
    assert.equal(directBound("a\ud800".repeat(DIRECT_BYTES), undefined, 1 << 20), 0);
    const resizable = new ArrayBuffer(DIRECT_BYTES, { maxByteLength: 2 * DIRECT_BYTES });
    assert.equal(directBound(resizable, undefined, 1 << 20), 0, "keeps its max length");
  });

  it("refuses a string that needs more than the maximum, naming the size", () => {
    const value = "日".repeat(DIRECT_BYTES);
    const bound = directBound(value, undefined, DIRECT_BYTES * 2);
    const { u8, dv } = window(bound + 8);
    assert.throws(() => writeDirect(u8, dv, 8, bound, value), /8192 bytes/);
  });

  it("checks the size of every message it encodes, out-of-band copies included", () => {
    const w = new ByteWriter();
    encodeMessage(w, { a: "x".repeat(100) }, "arg", undefined, 200);
    assert.ok(w.length > 100);
    assert.throws(
      () => encodeMessage(w, { a: "x".repeat(300) }, "arg", undefined, 200),
      (err: Error) =>
        err instanceof RangeError && /Cannot send arg: it needs \d+ bytes/.test(err.message),
    );
  });
});
