import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue, encodeValue } from "../../src/memory/codec.ts";
import {
  directBound,
  encodeMessage,
  readMessage,
  writeDirect,
} from "../../src/memory/message_codec.ts";
import { Tag } from "../../src/memory/tags.ts";
import { looksWide, sendsWide, useUtf16Copies } from "../../src/memory/utf16_copies.ts";
import { BUFFER_UTF16 } from "../../src/runtime/buffer_strings.ts";
import { codecBytes, sharedWindow } from "./codec_helpers.ts";

/** `unit` repeated to exactly `n` UTF-16 units (a pair may be cut: a lone surrogate then). */
function text(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** Kinds with no ASCII at all, so that every look finds non-ASCII. */
const KINDS: [string, string][] = [
  ["Latin-1", "äöüßçé"],
  ["BMP", "Привет日本語"],
  ["astral", "🌍🦔𝄞"],
  ["lone surrogates", "\ud800é\udfff"],
];

describe("UTF-16 copies", () => {
  it("leave every string to UTF-8 when none are installed", () => {
    useUtf16Copies(undefined);
    assert.equal(sendsWide(text("日", 100)), false);
    const w = new ByteWriter();
    encodeValue(w, text("日", 100));
    assert.equal(w.bytes[0], Tag.STRING);
  });

  it("look for non-ASCII in strings of any length, whether or not copies are installed", () => {
    useUtf16Copies(undefined);
    assert.equal(looksWide(""), false);
    assert.equal(looksWide("a"), false);
    assert.equal(looksWide("é"), true);
    assert.equal(looksWide("abé"), true, "every character of a string shorter than the looks");
    assert.equal(looksWide("a".repeat(100_000)), false);
    assert.equal(looksWide("a".repeat(900) + "é".repeat(100)), true);
  });

  it("copy code units both ways through Buffer, at odd and even offsets", () => {
    for (const [name, unit] of KINDS) {
      for (const at of [0, 1, 8, 13]) {
        for (const memory of [new ArrayBuffer(4096), new SharedArrayBuffer(4096)]) {
          const bytes = new Uint8Array(memory);
          const value = text(unit, 1000);
          assert.equal(BUFFER_UTF16.write(bytes, at, value), 2000, name);
          assert.equal(bytes[at] | (bytes[at + 1] << 8), value.charCodeAt(0));
          assert.equal(BUFFER_UTF16.read(bytes, at, at + 2000), value, `${name} at ${at}`);
        }
      }
    }
  });
});

describe("strings sent as UTF-16", () => {
  before(() => useUtf16Copies(BUFFER_UTF16));
  after(() => useUtf16Copies(undefined));

  it("choose UTF-16 for a string of 16 units or more where a few looks spread over it find non-ASCII", () => {
    assert.equal(sendsWide(text("é", 16)), true);
    assert.equal(sendsWide(text("é", 15)), false, "too short to win");
    assert.equal(sendsWide("a".repeat(900) + "é".repeat(100)), true, "past an ASCII start");
    assert.equal(sendsWide("a".repeat(100_000)), false);
    // 1,001 units: 15 looks, 66 units apart, all on an ASCII character.
    assert.equal(sendsWide("aé" + "a".repeat(999)), false, "between the looks");
    assert.equal(sendsWide("\ud800".repeat(16)), true);
    assert.equal(sendsWide(""), false);
  });

  it("writes non-ASCII strings straight as the value codec would, and reads them back", () => {
    const sizes = [16, 17, 43, 44, 255, 256, 257, 4095, 4096, 70_000];
    for (const [name, unit] of KINDS) {
      for (const n of sizes) {
        const value = text(unit, n);
        const what = `${name}, ${n} units`;
        const bound = directBound(value, undefined, 1 << 20);
        assert.equal(bound, 8 + 2 * n, what);
        const { u8, dv } = sharedWindow(bound + 8);
        assert.equal(writeDirect(u8, dv, 8, bound, value), bound);
        // Three PAD tags, the tag and the unit count: the units start 8-aligned.
        assert.equal(u8[8 + 3], Tag.STRING16, what);
        assert.deepEqual(u8.slice(8, 8 + bound), codecBytes(value), what);
        assert.equal(readMessage(new ByteReader(true), u8, dv, 8), value, what);
        // A reader without the copies (its plain loop) reads the same bytes the same way.
        useUtf16Copies(undefined);
        try {
          assert.equal(readMessage(new ByteReader(true), u8, dv, 8), value, what);
        } finally {
          useUtf16Copies(BUFFER_UTF16);
        }
      }
    }
  });

  it("keeps ASCII strings, and short or late non-ASCII ones, in UTF-8", () => {
    for (const value of ["a".repeat(300), text("é", 15), "a".repeat(40) + "é日🙂"]) {
      const bound = directBound(value, undefined, 1 << 20);
      const { u8, dv } = sharedWindow(bound + 8);
      const n = writeDirect(u8, dv, 8, bound, value);
      assert.ok(u8.subarray(8, 12).includes(Tag.STRING), value.slice(0, 50));
      assert.equal(readMessage(new ByteReader(), u8, dv, 8), value);
      assert.ok(n <= bound);
    }
  });

  it("leaves a lone surrogate after an ASCII start to the value codec, which keeps it", () => {
    // 43 units: looks at 0, 10, 20, 30 and 40, all ASCII.
    const value = "a".repeat(41) + "\ud800b";
    assert.equal(directBound(value, undefined, 1 << 20), 0);
    const bytes = codecBytes(value);
    assert.ok(bytes.includes(Tag.STRING16));
    const r = new ByteReader();
    r.reset(bytes, new DataView(bytes.buffer), 0);
    assert.equal(decodeValue(r), value);
  });

  it("sends strings in structured values as UTF-16, aligned, and reads them back", () => {
    const value = { a: text("日本", 100), b: ["x", text("é", 20), text("🙂", 33)], c: "plain" };
    const bytes = codecBytes(value);
    const r = new ByteReader();
    r.reset(bytes, new DataView(bytes.buffer), 0);
    assert.deepEqual(decodeValue(r), value);
    // ARRAY (5 bytes) and "xy" (7): the wide string's tag goes at 19, so its units start at 24.
    const pair = codecBytes(["xy", text("é", 20)]);
    assert.deepEqual([...pair.subarray(12, 19)], new Array(7).fill(Tag.PAD));
    assert.equal(pair[19], Tag.STRING16);
    assert.equal(pair.length, 24 + 40 + 4, "and the u32 count of extra properties");
  });

  it("goes back to UTF-8 when UTF-16 would exceed the maximum and UTF-8 fits", () => {
    // 10,001 units: 20,010 bytes as UTF-16, 10,002 as UTF-8.
    const value = "é" + "a".repeat(10_000);
    const max = 16_000;
    const bound = directBound(value, undefined, max);
    assert.ok(bound > 0 && bound <= max);
    const { u8, dv } = sharedWindow(bound + 8);
    const n = writeDirect(u8, dv, 8, bound, value);
    assert.equal(u8[8 + 3], Tag.STRING);
    assert.equal(readMessage(new ByteReader(), u8, dv, 8), value);
    assert.ok(n < max);
    const w = new ByteWriter();
    encodeMessage(w, { value }, "arg", undefined, max);
    assert.ok(w.length < max);
    assert.equal(w.narrow, false);
    assert.deepEqual(readMessage(new ByteReader(), w.bytes, w.view, 0), { value });
    assert.throws(
      () => encodeMessage(w, { value: text("日", 10_000) }, "arg", undefined, max),
      (err: Error) =>
        err instanceof RangeError && /Cannot send arg: it needs \d+ bytes/.test(err.message),
    );
    assert.equal(w.narrow, false);
  });

  it("fits a string in the maximum as UTF-16 that UTF-8 could not fit", () => {
    // 8 head bytes and 2 per unit: exactly the maximum, where UTF-8 needs 3 per unit.
    const value = text("日", 5000);
    const max = 8 + 2 * 5000;
    assert.equal(directBound(value, undefined, max), max);
    assert.equal(directBound(value + "日", undefined, max), max, "UTF-8's bound, capped");
    const w = new ByteWriter();
    encodeMessage(w, value, "arg", undefined, max);
    assert.equal(w.length, max);
  });
});
