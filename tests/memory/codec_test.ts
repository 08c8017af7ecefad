import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roundTrip } from "./codec_helpers.ts";

const float16 = (globalThis as { Float16Array?: new (n: number) => ArrayBufferView })
  .Float16Array;

function sparse(): unknown[] {
  const arr: unknown[] = [];
  arr[2] = "two";
  arr[10_000] = 5;
  return arr;
}

function holey(): unknown[] {
  // deno-lint-ignore no-sparse-arrays
  return [1, , 3, , undefined];
}

function withExtras(): unknown[] {
  const arr: unknown[] & { label?: string } = [1, 2];
  arr.label = "pair";
  return arr;
}

function typedArrays(): ArrayBufferView[] {
  const out: ArrayBufferView[] = [
    new Int8Array([-1, 2]),
    new Uint8Array([1, 255]),
    new Uint8ClampedArray([0, 255]),
    new Int16Array([-300, 300]),
    new Uint16Array([65535]),
    new Int32Array([-1 << 30]),
    new Uint32Array([4294967295]),
    new Float32Array([1.5, -0]),
    new Float64Array([Math.PI, NaN]),
    new BigInt64Array([-(2n ** 63n)]),
    new BigUint64Array([2n ** 64n - 1n]),
    new DataView(new ArrayBuffer(8), 2, 4),
  ];
  if (float16) out.push(new float16(3));
  return out;
}

/** Values that must round-trip to what `structuredClone` gives. */
const TABLE: [string, () => unknown][] = [
  ["zero", () => 0],
  ["negative zero", () => -0],
  ["NaN", () => NaN],
  ["infinities", () => [Infinity, -Infinity]],
  ["int32 limits", () => [2147483647, -2147483648, 2147483648]],
  ["doubles", () => [0.1, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON]],
  ["small bigints", () => [0n, 1n, -1n, 2n ** 32n, -(2n ** 64n - 1n)]],
  ["huge bigints", () => [2n ** 4099n + 12345n, -(3n ** 2000n)]],
  ["booleans, null, undefined", () => [true, false, null, undefined]],
  ["empty string", () => ""],
  ["ASCII string", () => "hello"],
  ["strings of many scripts", () => ["héllo", "日本語", "😀 emoji", "\u0000nul", "é".repeat(40)]],
  ["lone surrogates", () => ["\ud800", "a\udc00b", "\ud83d", "x\ud83d\ude00\ud800"]],
  ["a 100 KB string", () => "ab😀".repeat(25_000)],
  ["valid Date", () => new Date(1_700_000_000_000)],
  ["RegExp with flags", () => /a(b)?c/giu],
  ["Map with object keys", () => new Map<unknown, unknown>([[{ k: 1 }, "v"], ["s", [1, 2]]])],
  ["Set", () => new Set([1, "a", { b: 2 }])],
  ["plain object", () => ({ a: 1, b: "two", c: [3], d: { e: null } })],
  ["null-prototype object", () => Object.assign(Object.create(null), { x: 1 })],
  ["object with a __proto__ key", () => JSON.parse('{"__proto__": {"x": 1}}')],
  ["object with odd keys", () => ({ "": 1, "a b": 2, "\ud800": 3, "1": 4 })],
  ["holey array", holey],
  ["sparse array", sparse],
  ["array with extra properties", withExtras],
  ["RegExp match array", () => "xaby".match(/a(?<letter>b)/)],
  ["boxed primitives", () => [Object(1.5), Object("str"), Object(false), Object(10n)]],
  ["ArrayBuffer", () => new Uint8Array([1, 2, 3]).buffer],
  ["resizable ArrayBuffer", () => new ArrayBuffer(4, { maxByteLength: 16 })],
  ["every typed array", typedArrays],
  ["view with an offset", () => new Uint16Array(new ArrayBuffer(16), 4, 3)],
  ["Uint8Array subarray", () => new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 3)],
  ["class instance", () =>
    new (class Point {
      x = 1;
      y = 2;
    })()],
  ["nested containers", () => ({ list: [new Map([[1, new Set([new Date(0)])]])] })],
];

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
});
