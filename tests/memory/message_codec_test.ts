import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader, copySharedBeforeDecode } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import {
  directBound,
  encodeMessage,
  readMessage,
  writeDirect,
  writeSmall,
} from "../../src/memory/message_codec.ts";
import { outOfBand } from "../../src/memory/out_of_band.ts";
import { codecBytes, sharedWindow } from "./codec_helpers.ts";

const ROOM = 48;

function named(value: unknown): string {
  if (typeof value === "string") return `a string of ${value.length} units`;
  const v = value as { constructor: { name: string }; byteLength: number };
  return `a ${v.constructor.name} of ${v.byteLength} bytes`;
}

/** Writes `value` with the fast path at offset 8, checks it against the codec, reads it back. */
function small(value: unknown): unknown {
  const { u8, dv } = sharedWindow();
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
    const { u8, dv } = sharedWindow();
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

  it("writes byte arrays and strings of any size straight, as the value codec would", () => {
    const sizes = [0, 43, 44, 48, 49, 64, 65, 255, 256, 257, 1000, 4095, 4096, 4099];
    const values: unknown[] = [];
    for (const n of sizes) {
      values.push(new Uint8Array(n).map((_, i) => i * 7));
      values.push(new Uint8Array(n).buffer);
      values.push("abcdefgh".repeat(n).slice(0, n));
      // UTF-8 longer than the units: two and three bytes each, and pairs (4 bytes per 2 units).
      values.push("é日".repeat(n).slice(0, n));
      values.push("🙂".repeat(n));
    }
    for (const value of values) {
      const bound = directBound(value, undefined, 1 << 20);
      assert.ok(bound > 0, `no direct path for ${named(value)}`);
      const { u8, dv } = sharedWindow(bound + 8);
      const n = writeDirect(u8, dv, 8, bound, value);
      assert.ok(n <= bound);
      // The codec aligns from offset 0 the same way: its bytes start after the same padding.
      assert.deepEqual(u8.slice(8, 8 + n), codecBytes(value), named(value));
      const out = readMessage(new ByteReader(), u8, dv, 8);
      u8.fill(0xee);
      assert.deepEqual(out, value, named(value));
      if (out instanceof Uint8Array) {
        assert.ok(out.buffer instanceof ArrayBuffer && out.buffer.byteLength === out.length);
      }
    }
  });

  it("leaves to the value codec the byte arrays and strings it would send otherwise", () => {
    const max = 1 << 20;
    const big = new Uint8Array(8192);
    class Bytes extends Uint8Array {}
    const detached = new ArrayBuffer(300);
    const detachedView = new Uint8Array(detached);
    detached.transfer();
    const refused: unknown[] = [
      "a\ud800".repeat(300), // a lone surrogate: STRING16
      "\udc00",
      new Uint8Array(big.buffer, 8, 300), // part of a buffer: sent with its buffer
      big.subarray(0, 4096),
      new Bytes(300), // a subclass (Node's Buffer is one)
      new Uint8Array(new ArrayBuffer(300, { maxByteLength: 600 })), // resizable
      new ArrayBuffer(4096, { maxByteLength: 8192 }), // keeps its max length
      detachedView,
      detached,
      new Uint16Array(300),
      new DataView(new ArrayBuffer(300)),
    ];
    const nodeBuffer = (globalThis as { Buffer?: { alloc(n: number): Uint8Array } }).Buffer;
    if (nodeBuffer !== undefined) refused.push(nodeBuffer.alloc(300), nodeBuffer.alloc(8192));
    for (const value of refused) {
      assert.equal(directBound(value, undefined, max), 0, named(value));
    }
    const moving = outOfBand();
    const bytes = new Uint8Array(300);
    moving.transfer = new Set([bytes.buffer]);
    assert.equal(directBound(bytes, moving, max), 0, "a buffer being moved");
    const large = outOfBand({ bytes: 1024, string: 512, wideString: Infinity, bigint: undefined });
    assert.equal(directBound(new Uint8Array(1024), large, max), 0, "a large copy");
    assert.equal(directBound(new ArrayBuffer(1024), large, max), 0, "a large copy");
    assert.equal(directBound("x".repeat(512), large, max), 0, "a large string");
    assert.ok(directBound(new Uint8Array(1023), large, max) > 0);
    assert.ok(directBound("x".repeat(511), large, max) > 0);
  });

  it("reads what only the value codec writes after the padding", () => {
    for (const value of ["a\ud800".repeat(200), new Uint16Array(300).fill(9)]) {
      const bytes = codecBytes(value);
      const { u8, dv } = sharedWindow(bytes.length + 8);
      u8.set(bytes, 8);
      assert.deepEqual(readMessage(new ByteReader(), u8, dv, 8), value);
    }
  });

  it("reads strings from shared memory through a private copy where the runtime asks", () => {
    const values = [
      "x".repeat(40),
      "é日🙂".repeat(700),
      "abc".repeat(100),
      "y".repeat(4 * 1024 * 1024 + 1), // beyond the copy's largest size: decoded in place
      "short after long",
    ];
    copySharedBeforeDecode(true);
    try {
      for (const shared of [true, false]) {
        for (const value of values) {
          const bound = directBound(value, undefined, 1 << 24);
          const { u8, dv } = sharedWindow(bound + 8);
          writeDirect(u8, dv, 8, bound, value);
          assert.equal(readMessage(new ByteReader(shared), u8, dv, 8), value);
        }
      }
    } finally {
      copySharedBeforeDecode(false);
    }
  });

  it("refuses a string that needs more than the maximum, naming the size", () => {
    const value = "日".repeat(4096);
    const bound = directBound(value, undefined, 4096 * 2);
    const { u8, dv } = sharedWindow(bound + 8);
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
