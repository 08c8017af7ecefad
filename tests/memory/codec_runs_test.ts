/**
 * The runs among an array's elements (`DATE_RUN`, `STRING_RUN`): what they keep of identity,
 * holes, extra properties, out-of-band strings and depth, and how the decoder refuses a bad one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue, encodeValue } from "../../src/memory/codec.ts";
import { MAX_DEPTH } from "../../src/memory/encode_state.ts";
import { outOfBand } from "../../src/memory/out_of_band.ts";
import { STRING_RUN_MAX_UNITS } from "../../src/memory/string_run_encoder.ts";
import { Tag } from "../../src/memory/tags.ts";
import { encodeError, mulberry32, roundTrip } from "./codec_helpers.ts";

/** The objects of `value` in the order first met, as indices: equal where one object repeats. */
function identities(value: unknown): number[] {
  const seen = new Map<object, number>();
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== "object" || v === null) return;
    const id = seen.get(v);
    out.push(id ?? seen.size);
    if (id !== undefined) return;
    seen.set(v, seen.size);
    for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key]);
  };
  walk(value);
  return out;
}

/** Decodes `bytes` as the codec would read them from a mailbox. */
function decodeBytes(bytes: number[]): unknown {
  const u8 = new Uint8Array(bytes);
  const r = new ByteReader();
  r.reset(u8, new DataView(u8.buffer), 0);
  return decodeValue(r);
}

/** The tags written for `value`, in order (only the first byte of each is looked at). */
function encoded(value: unknown): Uint8Array {
  const w = new ByteWriter(16);
  encodeValue(w, value);
  return w.bytes.slice(0, w.length);
}

describe("codec runs of Dates", () => {
  it("sends a stretch of Dates as one run", () => {
    const bytes = encoded([new Date(1), new Date(2), new Date(3)]);
    assert.equal(bytes[0], Tag.ARRAY);
    assert.equal(bytes[5], Tag.DATE_RUN);
  });

  it("keeps a Date repeated inside, before and after a run as one Date", () => {
    const a = new Date(1);
    const b = new Date(2);
    const c = new Date(3);
    const value = { first: b, list: [a, b, c, a, new Date(4), c], last: a, more: [c, c, a] };
    const out = roundTrip(value) as typeof value;
    assert.deepStrictEqual(out, structuredClone(value));
    assert.deepStrictEqual(identities(out), identities(value));
    assert.equal(out.first, out.list[1]);
    assert.equal(out.last, out.list[0]);
  });

  it("tells apart Dates of one time, and invalid Dates, by identity", () => {
    const a = new Date(5);
    const b = new Date(5);
    const x = new Date(NaN);
    const y = new Date(NaN);
    const value = [a, b, a, b, x, y, y, x, new Date(NaN)];
    const out = roundTrip(value) as Date[];
    assert.deepStrictEqual(identities(out), identities(value));
    assert.notEqual(out[0], out[1]);
    assert.equal(out[4] === out[7] && out[5] === out[6], true);
    assert.ok(out.slice(4).every((d) => d instanceof Date && Number.isNaN(d.getTime())));
  });

  it("keeps the ids of the objects after a run, for references to them", () => {
    const o = { k: 1 };
    const value = [new Date(1), new Date(2), o, new Date(3), new Date(4), o, [o]];
    const out = roundTrip(value) as unknown[];
    assert.deepStrictEqual(identities(out), identities(value));
    assert.equal(out[2], out[5]);
  });

  it("sends Dates of another prototype apart from the run, as plain Dates", () => {
    class Stamp extends Date {}
    const s = new Stamp(9);
    const value = [new Date(1), s, new Date(2), new Date(3), s];
    const out = roundTrip(value) as Date[];
    assert.deepStrictEqual(out.map((d) => d.getTime()), [1, 9, 2, 3, 9]);
    assert.equal(Object.getPrototypeOf(out[1]), Date.prototype);
    assert.equal(out[1], out[4]);
  });

  it("keeps holes and extra properties next to Dates", () => {
    // deno-lint-ignore no-sparse-arrays
    const holey = [new Date(1), new Date(2), , new Date(3), new Date(4)];
    const out = roundTrip(holey) as Date[];
    assert.equal(2 in out, false);
    assert.equal(out[4].getTime(), 4);
    const long = Array.from({ length: 300 }, (_, i) => new Date(i));
    delete long[150];
    const back = roundTrip(Object.assign(long, { tag: "t" })) as Date[] & { tag?: string };
    assert.equal(150 in back, false);
    assert.equal(back[299].getTime(), 299);
    assert.equal(back.tag, "t");
  });

  it("round-trips 200 seeded arrays of Dates with repeats, keeping every identity", () => {
    const rand = mulberry32(0xda7e);
    for (let n = 0; n < 200; n++) {
      const pool = Array.from(
        { length: 1 + Math.floor(rand() * 8) },
        () => new Date(rand() < 0.2 ? NaN : Math.floor(rand() * 4)),
      );
      const value = Array.from({ length: Math.floor(rand() * 40) }, () => {
        const pick = rand();
        if (pick < 0.5) return pool[Math.floor(rand() * pool.length)];
        if (pick < 0.8) return new Date(Math.floor(rand() * 4));
        return pick < 0.9 ? "s" : { d: pool[0] };
      });
      const out = roundTrip(value) as unknown[];
      assert.deepStrictEqual(identities(out), identities(value));
      out.forEach((v, i) => {
        const want = value[i];
        if (want instanceof Date) assert.ok(Object.is((v as Date).getTime(), want.getTime()));
      });
    }
  });

  it("counts the Dates of a run as a level, as a lone Date", () => {
    const at = (leaf: unknown, depth: number) => {
      let value = leaf;
      for (let i = 1; i < depth; i++) value = [value];
      return value;
    };
    assert.doesNotThrow(() => roundTrip(at([new Date(0), new Date(1)], MAX_DEPTH - 1)));
    assert.ok(encodeError(at([new Date(0), new Date(1)], MAX_DEPTH)) instanceof RangeError);
  });

  it("refuses a run longer than the elements left, or of fewer than two", () => {
    const run = (count: number) => [Tag.ARRAY, 2, 0, 0, 0, Tag.DATE_RUN, count, 0, 0, 0];
    for (const count of [0, 1, 3]) {
      assert.throws(() => decodeBytes([...run(count), ...new Array(24).fill(0)]), TypeError);
    }
  });
});

describe("codec runs of strings", () => {
  it("sends a stretch of short strings as one run", () => {
    const bytes = encoded(["a", "b", "c", "d"]);
    assert.equal(bytes[5], Tag.STRING_RUN);
    assert.notEqual(encoded(["a", "b", "c"])[5], Tag.STRING_RUN);
  });

  it("keeps lone surrogates split across, and paired up by, neighbouring strings", () => {
    const value = ["\ud83d", "\ude00", "a\ud800", "\udc00b", "😀", "\udfff", "", "\ud800"];
    const out = roundTrip(value) as string[];
    assert.deepStrictEqual(out, value);
    assert.deepStrictEqual(out.map((s) => s.length), value.map((s) => s.length));
  });

  it("cuts a long stretch into runs and keeps every string", () => {
    const value = Array.from({ length: 5000 }, (_, i) => `${i}`.repeat(1 + (i % 40)));
    assert.ok(value.join("").length > 3 * STRING_RUN_MAX_UNITS);
    assert.deepStrictEqual(roundTrip(value), value);
  });

  it("leaves strings that go out of band out of the run", () => {
    const big = "x".repeat(40);
    const oob = outOfBand({ bytes: Infinity, string: 32, wideString: Infinity, bigint: undefined });
    const w = new ByteWriter(16);
    const value = ["a", "b", big, "c", "d", "e", "f", big];
    encodeValue(w, value, "arg", oob);
    assert.deepStrictEqual(oob.items, [big, big]);
    const r = new ByteReader();
    r.reset(w.bytes, w.view, 0);
    assert.deepStrictEqual(decodeValue(r, oob.items), value);
  });

  it("round-trips 300 seeded arrays of strings of every script and size", () => {
    const rand = mulberry32(0x57a6);
    const alphabet = ["a", "Z", " ", "é", "日", "😀", "\ud800", "\udc00", "\u0000"];
    for (let n = 0; n < 300; n++) {
      const value = Array.from({ length: Math.floor(rand() * 30) }, () => {
        if (rand() < 0.1) return rand() < 0.5 ? 7 : null;
        const units = rand() < 0.9 ? Math.floor(rand() * 12) : 250 + Math.floor(rand() * 10);
        let s = "";
        while (s.length < units) s += alphabet[Math.floor(rand() * alphabet.length)];
        return s;
      });
      assert.deepStrictEqual(roundTrip(value), value);
    }
  });

  it("refuses a run whose lengths do not add up to its string", () => {
    // ARRAY of 2, a run of 2 strings of lengths 1 and 1 over the string "abc", no fields.
    const bytes = [Tag.ARRAY, 2, 0, 0, 0, Tag.STRING_RUN, 2, 0, 0, 0, 1, 1];
    const tail = [Tag.STRING, 3, 0, 0, 0, 97, 98, 99, 0, 0, 0, 0];
    assert.throws(() => decodeBytes([...bytes, ...tail]), TypeError);
    const ok = [Tag.STRING, 2, 0, 0, 0, 97, 98, 0, 0, 0, 0];
    assert.deepStrictEqual(decodeBytes([...bytes, ...ok]), ["a", "b"]);
  });
});
