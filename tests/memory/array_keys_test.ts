import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countArrayKeysFrom } from "../../src/memory/array_encoder.ts";
import { roundTrip } from "./codec_helpers.ts";
import { holey, withExtras } from "./value_table.ts";

/** The arrays whose keys the counted check must read as structuredClone does. */
function cases(): [string, () => unknown[]][] {
  return [
    ["a dense array", () => [1, "two", { three: 3 }, [4], new Date(5)]],
    ["an empty array", () => []],
    ["an array with holes", holey],
    ["an array with an extra property", withExtras],
    ["an array whose last element is a hole", () => {
      const arr = [1, 2, 3];
      delete arr[2];
      return arr;
    }],
    ["an array with a hole and as many extra properties", () => {
      const arr: unknown[] & { extra?: number } = [1, 2, 3];
      delete arr[1];
      arr.extra = 4;
      return arr;
    }],
    ["an array with a non-enumerable index", () => {
      const arr = [1, 2, 3];
      Object.defineProperty(arr, 1, { value: 2, enumerable: false });
      return arr;
    }],
  ];
}

/** The copy of `value` with arrays from `length` elements checked by counting their keys. */
function countedFrom(length: number, value: unknown): unknown {
  countArrayKeysFrom(length);
  try {
    return roundTrip(value);
  } finally {
    countArrayKeysFrom(Infinity);
  }
}

describe("arrays checked by counting their keys", () => {
  for (const [name, make] of cases()) {
    it(`keep ${name} as arrays whose keys are listed do`, () => {
      const out = countedFrom(1, make()) as unknown[];
      const listed = roundTrip(make()) as unknown[];
      assert.deepStrictEqual(out, listed);
      assert.deepStrictEqual(Object.keys(out), Object.keys(listed));
      assert.deepStrictEqual(Object.keys(out), Object.keys(make()));
    });
  }

  it("keep a dense array as structuredClone does", () => {
    const value = [1, "two", { three: 3 }, [4], new Date(5)];
    assert.deepStrictEqual(countedFrom(1, value), structuredClone(value));
  });

  it("keep a hole that an enumerable index of Array.prototype fills in for…in", () => {
    Object.defineProperty(Array.prototype, 1, {
      value: "inherited",
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      const arr: unknown[] = [0];
      arr.length = 2;
      const out = countedFrom(1, arr) as unknown[];
      assert.equal(out.length, 2);
      assert.equal(Object.hasOwn(out, 1), false);
      const dense = countedFrom(1, [0, 1, 2]) as unknown[];
      assert.deepStrictEqual(Object.keys(dense), ["0", "1", "2"]);
    } finally {
      delete (Array.prototype as unknown as Record<number, unknown>)[1];
    }
  });
});
