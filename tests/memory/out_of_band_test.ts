/**
 * The codec's out-of-band path in-process: large copies and strings leave the bytes as items,
 * come back in place, and count towards the message's size; bad items fail clearly.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue, encodeValue } from "../../src/memory/codec.ts";
import { canResend, detachMoved, outOfBand, takeItems } from "../../src/memory/out_of_band.ts";
import { Tag } from "../../src/memory/tags.ts";

const POLICY = { bytes: 64, string: 16, wideString: Infinity, bigint: 2n ** 64n };

function encode(value: unknown, oob = outOfBand(POLICY)): { w: ByteWriter; items: unknown[] } {
  const w = new ByteWriter(16);
  encodeValue(w, value, "arg", oob);
  return { w, items: takeItems(oob) ?? [] };
}

function decode(w: ByteWriter, items: readonly unknown[]): unknown {
  const r = new ByteReader();
  r.reset(w.bytes, new DataView(w.bytes.buffer), 0);
  const out = decodeValue(r, items);
  assert.equal(r.pos, w.length);
  return out;
}

describe("out-of-band values", () => {
  it("sends copies and strings at or above the policy's sizes as items", () => {
    const big = new Uint8Array(64).fill(9);
    const value = {
      big,
      small: new Uint8Array(63),
      floats: new Float64Array(8),
      text: "t".repeat(16),
      short: "t".repeat(15),
      buffer: new ArrayBuffer(100),
    };
    const { w, items } = encode(value);
    assert.equal(items.length, 4);
    assert.ok(items[0] instanceof ArrayBuffer && items[0] !== big.buffer);
    assert.ok(items[1] instanceof ArrayBuffer);
    assert.equal(items[2], "t".repeat(16));
    assert.ok(items[3] instanceof ArrayBuffer);
    // Inline, the values alone would take 64 + 63 + 64 + 16 + 15 + 100 bytes.
    assert.ok(w.length < 63 + 15 + 150, `the large values are not in the bytes (${w.length})`);
    assert.deepStrictEqual(decode(w, items), structuredClone(value));
    // Copies are the caller's bytes at the time of the call.
    big.fill(1);
    assert.equal(new Uint8Array(items[0] as ArrayBuffer)[0], 9);
  });

  it("sends bigints at or above the policy's magnitude as items, either sign", () => {
    const value = {
      small: 2n ** 64n - 1n,
      big: 2n ** 64n,
      negative: -(2n ** 70n),
      top: -(2n ** 64n),
    };
    const { w, items } = encode(value);
    assert.deepEqual(items, [2n ** 64n, -(2n ** 70n), -(2n ** 64n)]);
    assert.deepStrictEqual(decode(w, items), value);
    const top = encode(2n ** 100n);
    assert.deepEqual(top.items, [2n ** 100n]);
    assert.equal(decode(top.w, top.items), 2n ** 100n);
  });

  it("counts copied bytes and strings, but not shared or moved buffers", () => {
    const oob = outOfBand(POLICY);
    const moved = new ArrayBuffer(500);
    oob.transfer = new Set([moved]);
    encodeValue(
      new ByteWriter(16),
      {
        a: new Uint8Array(100),
        s: "x".repeat(20),
        moved,
        shared: new SharedArrayBuffer(1000),
      },
      "arg",
      oob,
    );
    assert.equal(oob.copied, 120);
    detachMoved(oob);
    assert.equal(moved.detached, true);
    const items = takeItems(oob)!;
    assert.equal(canResend(items), false);
    assert.equal(oob.transfer, undefined);
    assert.equal(oob.copied, 0);
    assert.equal(canResend(["x".repeat(20), new SharedArrayBuffer(8)]), true);
    assert.equal(canResend(undefined), true);
  });

  it("sends non-ASCII strings from the policy's wideString as items, ASCII ones only from string", () => {
    const oob = () => outOfBand({ bytes: Infinity, string: 64, wideString: 8, bigint: undefined });
    const value = {
      wide: "Привет, мир",
      astral: "🌍🦔🌍🦔",
      shortWide: "Привет",
      ascii: "a".repeat(40),
      long: "a".repeat(64),
      lone: "\ud800".repeat(8),
    };
    const { w, items } = encode(value, oob());
    assert.deepEqual(items, [value.wide, value.astral, value.long, value.lone]);
    assert.deepStrictEqual(decode(w, items), structuredClone(value));
    // At the top level too, and in arrays, whose short strings may be packed in runs.
    const top = encode("é".repeat(8), oob());
    assert.deepEqual(top.items, ["é".repeat(8)]);
    const list = ["é".repeat(8), "x", "y", "z", "é".repeat(8), "w"];
    const packed = encode(list, oob());
    assert.equal(packed.items.length, 2);
    assert.deepStrictEqual(decode(packed.w, packed.items), list);
  });

  it("sends nothing out of band without a policy for large values", () => {
    const { items } = encode({ a: new Uint8Array(1000), s: "x".repeat(1000) }, outOfBand());
    assert.deepEqual(items, []);
  });

  it("refuses a missing or mistyped item with a TypeError naming what it received", () => {
    const { w, items } = encode({ s: "x".repeat(20), b: new Uint8Array(100) });
    assert.throws(
      () => decode(w, []),
      /^TypeError: Cannot decode value: out-of-band item missing, received index 0$/,
    );
    assert.throws(
      () => decode(w, [new ArrayBuffer(1), items[1]]),
      /^TypeError: Cannot decode value: wrong out-of-band item, received object$/,
    );
    assert.throws(
      () => decode(w, [items[0], "not a buffer"]),
      /^TypeError: Cannot decode value: wrong out-of-band item, received string$/,
    );
    const lone = new ByteWriter(8);
    lone.u8(Tag.OUT_OF_BAND_PRIMITIVE);
    lone.u32(0);
    assert.throws(() => decode(lone, [5]), /received number/);
  });
});
