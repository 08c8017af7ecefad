import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue } from "../../src/memory/codec.ts";
import { Tag } from "../../src/memory/tags.ts";
import { roundTrip } from "./codec_helpers.ts";
import { holey, sparse, TABLE, typedArrays, withExtras } from "./value_table.ts";

describe("codec round trip", () => {
  for (const [name, make] of TABLE) {
    it(`keeps ${name} as structuredClone does`, () => {
      const value = make();
      const out = roundTrip(value);
      assert.deepStrictEqual(out, structuredClone(value));
    });
  }

  it("keeps negative zero, alone and inside containers", () => {
    assert.ok(Object.is(roundTrip(-0), -0));
    const out = roundTrip({ a: [-0] }) as { a: number[] };
    assert.ok(Object.is(out.a[0], -0));
  });

  it("keeps lone surrogates exactly", () => {
    for (const s of ["\ud800", "a\udc00", "\udfff\ud800"]) {
      const out = roundTrip(s) as string;
      assert.equal(out.length, s.length);
      assert.equal(out, s);
      assert.equal(out.isWellFormed(), false);
    }
  });

  it("keeps an invalid Date invalid", () => {
    // Compared by hand: Node 22's deepStrictEqual finds two invalid Dates unequal.
    const out = roundTrip(new Date(NaN)) as Date;
    assert.ok(out instanceof Date);
    assert.ok(Number.isNaN(out.getTime()));
  });

  it("keeps Dates in arrays apart, shared and referred to as structuredClone does", () => {
    const d = new Date(1_700_000_000_000);
    class Stamp extends Date {}
    const own = new Date(5);
    // An own getTime is not what a Date holds: structuredClone reads the internal time.
    Object.defineProperty(own, "getTime", { value: () => 99 });
    const stamp = new Stamp(7);
    Object.defineProperty(stamp, "getTime", { value: () => 98 });
    // deno-lint-ignore no-sparse-arrays
    const value = [d, new Date(0), , d, { at: d }, stamp, own];
    const out = roundTrip(value) as unknown[];
    assert.deepStrictEqual(out, structuredClone(value));
    assert.equal(out[0], out[3]);
    assert.equal((out[4] as { at: Date }).at, out[0]);
    assert.notEqual(out[0], d);
    assert.equal(2 in out, false);
    assert.equal(Object.getPrototypeOf(out[5]), Date.prototype);
    assert.equal((out[5] as Date).getTime(), 7);
    assert.equal((out[6] as Date).getTime(), 5);
    // Apart from the rest: Node 22's deepStrictEqual finds two invalid Dates unequal.
    const [invalid] = roundTrip([new Date(NaN)]) as Date[];
    assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()));
  });

  it("keeps holes in sparse arrays", () => {
    const out = roundTrip(holey()) as unknown[];
    assert.equal(out.length, 5);
    assert.deepStrictEqual([0, 1, 2, 3, 4].map((i) => i in out), [true, false, true, false, true]);
    const big = roundTrip(sparse()) as unknown[];
    assert.equal(big.length, 10_001);
    assert.deepStrictEqual(Object.keys(big), ["2", "10000"]);
  });

  it("keeps holes in long arrays", () => {
    const arr = Array.from({ length: 1000 }, (_, i) => i);
    delete arr[500];
    const out = roundTrip(arr) as number[];
    assert.equal(out.length, 1000);
    assert.equal(500 in out, false);
    assert.equal(out[999], 999);
  });

  it("keeps extra properties on arrays", () => {
    const out = roundTrip(withExtras()) as unknown[] & { label?: string };
    assert.equal(out.label, "pair");
    assert.ok(Array.isArray(out));
  });

  it("does not keep RegExp lastIndex, as structuredClone does not", () => {
    const re = /a/g;
    re.lastIndex = 3;
    const out = roundTrip(re) as RegExp;
    assert.equal(out.lastIndex, 0);
    assert.equal(out.flags, "g");
  });

  it("keeps the class of every typed array and their offsets", () => {
    const values = typedArrays();
    const out = roundTrip(values) as ArrayBufferView[];
    for (let i = 0; i < values.length; i++) {
      assert.equal(out[i].constructor, values[i].constructor);
      assert.equal(out[i].byteOffset, values[i].byteOffset);
      assert.equal(out[i].byteLength, values[i].byteLength);
      assert.equal(out[i].buffer.byteLength, values[i].buffer.byteLength);
    }
  });

  it("keeps views of one buffer sharing one buffer", () => {
    const buffer = new ArrayBuffer(16);
    const value = {
      a: new Uint8Array(buffer),
      b: new Uint32Array(buffer, 4, 2),
      c: new DataView(buffer, 8),
      buffer,
    };
    const out = roundTrip(value) as typeof value;
    assert.equal(out.a.buffer, out.b.buffer);
    assert.equal(out.b.buffer, out.c.buffer);
    assert.equal(out.buffer, out.a.buffer);
    out.a[4] = 7;
    assert.equal(new Uint8Array(out.b.buffer)[4], 7);
    assert.equal(out.b.byteOffset, 4);
    assert.equal(out.c.byteOffset, 8);
  });

  it("sends a Uint8Array subclass (like Buffer) as its own bytes", () => {
    class Bytes extends Uint8Array {}
    const pool = new ArrayBuffer(8192);
    const value = new Bytes(pool, 100, 3);
    value.set([1, 2, 3]);
    const out = roundTrip(value) as Uint8Array;
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
    assert.deepStrictEqual([...out], [1, 2, 3]);
    assert.equal(out.buffer.byteLength, 3);
  });

  it("keeps a resizable ArrayBuffer resizable", () => {
    const out = roundTrip(new ArrayBuffer(4, { maxByteLength: 16 })) as ArrayBuffer;
    assert.equal(out.resizable, true);
    assert.equal(out.maxByteLength, 16);
  });

  it("keeps views that track a resizable buffer's length tracking it, as structuredClone does", () => {
    const buffer = new ArrayBuffer(16, { maxByteLength: 32 });
    const full = new ArrayBuffer(16, { maxByteLength: 16 });
    const views = [
      new Uint8Array(buffer, 4), // tracks
      new Float64Array(buffer, 8), // tracks, one element per 8 bytes
      new DataView(buffer, 2), // tracks
      new Uint16Array(buffer, 4, 6), // fixed, ending at the buffer's end
      new Uint8Array(buffer, 0, 3), // fixed
      new Uint8Array(buffer, 16), // tracks, empty for now
      new Int32Array(full, 4), // tracks a buffer at its maximum
      new Int32Array(full, 8, 2), // fixed, at its maximum
    ];
    new Uint8Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const lengths = (vs: ArrayBufferView[]) => vs.map((v) => v.byteLength);
    const clone = structuredClone(views);
    const out = roundTrip(views) as ArrayBufferView[];
    assert.deepStrictEqual(out, clone);
    assert.equal(out[0].buffer, out[5].buffer);
    (clone[0].buffer as ArrayBuffer).resize(32);
    (out[0].buffer as ArrayBuffer).resize(32);
    assert.deepStrictEqual(lengths(out), lengths(clone));
    (clone[0].buffer as ArrayBuffer).resize(8);
    (out[0].buffer as ArrayBuffer).resize(8);
    (clone[6].buffer as ArrayBuffer).resize(12);
    (out[6].buffer as ArrayBuffer).resize(12);
    assert.deepStrictEqual(lengths(out), lengths(clone));
    // The sender's buffers are as they were.
    assert.deepStrictEqual([buffer.byteLength, full.byteLength], [16, 16]);
    assert.deepStrictEqual(lengths(views), [12, 8, 14, 12, 3, 0, 12, 8]);
  });

  it("keeps cycles", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    const list: unknown[] = [a];
    list.push(list);
    const map = new Map<unknown, unknown>();
    map.set(map, list);
    a.map = map;
    const out = roundTrip(a) as Record<string, unknown>;
    assert.equal(out.self, out);
    const outMap = out.map as Map<unknown, unknown>;
    assert.equal(outMap.has(outMap), true);
    const outList = outMap.get(outMap) as unknown[];
    assert.equal(outList[0], out);
    assert.equal(outList[1], outList);
  });

  it("keeps repeated references as one object", () => {
    const shared = { x: 1 };
    const set = new Set([shared]);
    const out = roundTrip({ a: shared, b: [shared], set }) as {
      a: object;
      b: object[];
      set: Set<object>;
    };
    assert.equal(out.a, out.b[0]);
    assert.equal([...out.set][0], out.a);
  });

  it("gives fresh buffers, not views of the shared window", () => {
    const out = roundTrip({ u: new Uint8Array([1, 2]), b: new ArrayBuffer(2) }) as {
      u: Uint8Array;
      b: ArrayBuffer;
    };
    assert.ok(out.u.buffer instanceof ArrayBuffer);
    assert.ok(out.b instanceof ArrayBuffer);
    assert.deepStrictEqual([...out.u], [1, 2]);
  });

  it("skips symbol-keyed properties", () => {
    const out = roundTrip({ a: 1, [Symbol("s")]: 2 }) as object;
    assert.deepStrictEqual(Object.getOwnPropertySymbols(out), []);
    assert.deepStrictEqual(out, { a: 1 });
  });

  it("sends class instances as plain objects of their own enumerable properties", () => {
    class User {
      name = "ada";
      get upper(): string {
        return this.name.toUpperCase();
      }
    }
    const out = roundTrip(new User());
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepStrictEqual(out, { name: "ada" });
  });

  it("sends an object with a built-in's prototype but not its slots as a plain object, as structuredClone does", () => {
    class DateLike extends Date {}
    const classes = [
      Date,
      DateLike,
      RegExp,
      Map,
      Set,
      Number,
      String,
      Boolean,
      BigInt,
      ArrayBuffer,
    ];
    for (const Class of classes) {
      const fake = Object.assign(Object.create(Class.prototype), { own: 1, nested: { a: [1] } });
      const expected = structuredClone(fake);
      assert.equal(
        Object.getPrototypeOf(expected),
        Object.prototype,
        `clone of a fake ${Class.name}`,
      );
      const out = roundTrip(fake);
      assert.equal(Object.getPrototypeOf(out), Object.prototype, `a fake ${Class.name}`);
      assert.deepEqual(out, expected, `a fake ${Class.name}`);
    }
    // Among real dates: a run of them, alone, and first.
    const fake = Object.assign(Object.create(Date.prototype), { own: 2 });
    const values = [[new Date(0), new Date(1), fake], [fake, new Date(2), new Date(3)], {
      d: fake,
    }];
    for (const value of values) assert.deepEqual(roundTrip(value), structuredClone(value));
  });

  it("keeps the prototype of boxed primitives", () => {
    const out = roundTrip([Object(1), Object("s"), Object(true), Object(1n)]) as object[];
    assert.deepStrictEqual(out.map((o) => o.constructor), [Number, String, Boolean, BigInt]);
  });

  it("decodes Node Buffers as plain Uint8Arrays", { skip: !("Buffer" in globalThis) }, () => {
    const BufferClass = (globalThis as unknown as {
      Buffer: { from(s: string): Uint8Array };
    }).Buffer;
    const out = roundTrip(BufferClass.from("hi")) as Uint8Array;
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
    assert.deepStrictEqual([...out], [104, 105]);
  });

  it("keeps bigints of every size, crossing the 64-bit boundary both ways", () => {
    for (const bits of [63, 64, 65, 4096, 100_003]) {
      for (
        const value of [2n ** BigInt(bits) - 1n, -(2n ** BigInt(bits)), 2n ** BigInt(bits) + 7n]
      ) {
        assert.equal(roundTrip(value), value);
      }
    }
  });

  it("refuses a bigint of more than 2 words in the short form with a TypeError", () => {
    const w = new ByteWriter(16);
    w.u8(Tag.BIGINT);
    w.u8(0);
    w.u32(3);
    const r = new ByteReader();
    r.reset(w.bytes, new DataView(w.bytes.buffer), 0);
    assert.throws(
      () => decodeValue(r),
      /^TypeError: Cannot decode value: bigint of more than 2 words, received 3$/,
    );
  });

  it("refuses a UTF-16 string whose count runs past its bytes with a RangeError", () => {
    const w = new ByteWriter(16);
    w.u8(Tag.STRING16);
    w.u32(0x7fffffff);
    w.u8(0x41);
    w.u8(0);
    const r = new ByteReader();
    r.reset(w.bytes, new DataView(w.bytes.buffer), 0);
    const left = w.bytes.length - 5;
    assert.throws(
      () => decodeValue(r),
      new RegExp(
        `^RangeError: Cannot decode value: a UTF-16 string runs past the end of its bytes, received 2147483647 units with ${left} bytes left$`,
      ),
    );
  });

  it("keeps keys apart whose bytes hash alike, whatever order they come in", () => {
    // "Aa" and "BB" have the same hash (31 * 65 + 97 = 31 * 66 + 66), so they share a cache slot.
    for (const value of [{ Aa: 1, BB: 2 }, { BB: 3, Aa: 4 }, { Aa: 5 }, { BB: 6 }]) {
      const out = roundTrip(value) as Record<string, number>;
      assert.deepStrictEqual(out, value);
      assert.deepStrictEqual(Object.keys(out), Object.keys(value));
    }
    const long = "k".repeat(40);
    const accents = "clé";
    assert.deepStrictEqual(roundTrip({ [long]: 1, [accents]: 2, "": 3 }), {
      [long]: 1,
      [accents]: 2,
      "": 3,
    });
  });

  it("fills objects of a repeated shape as assignment would, whatever their keys", () => {
    const odd = [
      'a"b',
      "back\\slash",
      "line\nbreak",
      "\u2028",
      "\ud800",
      "é",
      "10",
      "2",
      "",
      "constructor",
      '"];globalThis.weftInjected=1;//',
    ];
    for (let round = 0; round < 4; round++) {
      const value: Record<string, unknown> = {};
      odd.forEach((key, i) => (value[key] = i * round));
      const out = roundTrip(value) as Record<string, unknown>;
      assert.deepStrictEqual(out, value);
      assert.deepStrictEqual(Object.keys(out), Object.keys(value));
    }
    assert.equal((globalThis as { weftInjected?: unknown }).weftInjected, undefined);
  });

  it("keeps __proto__ an own property and cycles intact in repeated shapes", () => {
    for (let round = 0; round < 4; round++) {
      const value = JSON.parse(`{"__proto__": {"x": ${round}}, "y": 1}`);
      const out = roundTrip(value) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, {
        x: round,
      });
      const cyclic: Record<string, unknown> = { a: round, b: null };
      cyclic.b = cyclic;
      const back = roundTrip(cyclic) as Record<string, unknown>;
      assert.equal(back.b, back);
      assert.equal(back.a, round);
    }
  });

  it("fills objects with more keys than a compiled shape takes", () => {
    for (let round = 0; round < 3; round++) {
      const value = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i + round]));
      assert.deepStrictEqual(roundTrip(value), value);
    }
  });

  it("fills a large object key by key, with a __proto__ key and a field referring back", () => {
    const value: Record<string, unknown> = JSON.parse(
      `{${Array.from({ length: 100 }, (_, i) => `"k${i}": ${i}`).join(",")}, "__proto__": 5}`,
    );
    value.self = value;
    const out = roundTrip(value) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, 5);
    assert.equal(out.self, out);
    assert.deepStrictEqual(Object.keys(out), Object.keys(value));
  });
});

describe("codec Sets of numbers", () => {
  it("keeps int32s, doubles, NaN and infinities among other values, in order", () => {
    const shared = { x: 1 };
    const value = new Set<unknown>([
      1,
      -(2 ** 31),
      2 ** 31,
      0.5,
      NaN,
      -Infinity,
      "1",
      shared,
      [shared],
      1n,
    ]);
    const out = roundTrip(value) as Set<unknown>;
    assert.deepStrictEqual(out, structuredClone(value));
    const items = [...out];
    assert.deepStrictEqual(items.slice(0, 7), [1, -(2 ** 31), 2 ** 31, 0.5, NaN, -Infinity, "1"]);
    assert.equal((items[8] as unknown[])[0], items[7]);
  });

  it("keeps a set holding itself", () => {
    const value = new Set<unknown>([2.5]);
    value.add(value);
    const out = roundTrip(value) as Set<unknown>;
    assert.deepStrictEqual([...out][0], 2.5);
    assert.equal(out.has(out), true);
  });
});
