import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cacheShortStrings } from "../../src/memory/byte_reader.ts";
import { mulberry32, roundTrip } from "./codec_helpers.ts";

/** Runs `run` with short strings looked up among those decoded before. */
function withCache<T>(run: () => T): T {
  cacheShortStrings(true);
  try {
    return run();
  } finally {
    cacheShortStrings(false);
  }
}

describe("short strings found again", () => {
  it("gives back each string, whichever shares its slot", () => {
    // Same length, first, middle and last bytes: the same slot, told apart by the compare.
    const twins = ["abcd", "axcd", "abcd", "ab\u00e9d", "azcd", "axcd"];
    withCache(() => {
      for (let round = 0; round < 3; round++) {
        for (const s of twins) assert.equal(roundTrip(s), s);
        assert.deepStrictEqual(roundTrip({ twins }), { twins });
      }
    });
  });

  it("keeps the empty string, single characters and the longest short strings", () => {
    const values = [
      "",
      "a",
      "",
      "z",
      "x".repeat(31),
      "x".repeat(30) + "y",
      "x".repeat(32),
      "\u007f",
    ];
    withCache(() => {
      for (let round = 0; round < 2; round++) {
        for (const s of values) assert.equal(roundTrip(s), s);
      }
    });
  });

  it("decodes random short strings as without the look-up", () => {
    const random = mulberry32(11);
    const strings = Array.from({ length: 2000 }, () => {
      const n = Math.floor(random() * 32);
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(0x61 + Math.floor(random() * 4));
      return s;
    });
    const plain = roundTrip(strings);
    assert.deepStrictEqual(withCache(() => roundTrip(strings)), plain);
    assert.deepStrictEqual(plain, strings);
  });
});
