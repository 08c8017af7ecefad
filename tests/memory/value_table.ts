/** The round-trip table shared by the in-process codec test and the worker echo test. */

const float16 = (globalThis as { Float16Array?: new (n: number) => ArrayBufferView })
  .Float16Array;

export function sparse(): unknown[] {
  const arr: unknown[] = [];
  arr[2] = "two";
  arr[10_000] = 5;
  return arr;
}

export function holey(): unknown[] {
  // deno-lint-ignore no-sparse-arrays
  return [1, , 3, , undefined];
}

export function withExtras(): unknown[] {
  const arr: unknown[] & { label?: string } = [1, 2];
  arr.label = "pair";
  return arr;
}

export function typedArrays(): ArrayBufferView[] {
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
/** Every kind of value structuredClone carries, by name, each made fresh on demand. */
export const TABLE: [string, () => unknown][] = [
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
  ["runs of Dates among other elements", datesAmongOthers],
  ["runs of short strings, lone surrogates at their edges", stringsAmongOthers],
  [
    "a long array of strings, past one run's length",
    () =>
      Array.from({ length: 3000 }, (_, i) => i % 7 === 0 ? `ünï${i}` : `s${i}`.repeat(1 + (i % 9))),
  ],
  ["a long array of Dates", () => Array.from({ length: 1000 }, (_, i) => new Date(i * 86_400_000))],
  [
    "an array of strings and Dates with extra properties",
    () => Object.assign(["a", "b", "c", "d", new Date(1), new Date(2)], { label: "x" }),
  ],
];

/** Dates in stretches, split by other values, repeated and of one time. */
function datesAmongOthers(): unknown[] {
  const d = new Date(3);
  return [new Date(1), new Date(2), d, 5, d, new Date(4), new Date(4), "x", new Date(6), d];
}

/** Strings in stretches of every length around a run's limits, split by other values. */
function stringsAmongOthers(): unknown[] {
  return [
    ["a", "b", "", "é", "日本", "😀", "\ud83d", "\ude00", "\ud800", "q"],
    ["x".repeat(255), "y".repeat(256), "z", "w", "v", "u", 1, "p", "q", "r"],
    ["s", "t", "u", null, "only", "three", "here", 2n, "\udc00", "\ud800", "a", "b"],
  ].flat();
}
