import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mulberry32, roundTrip } from "./codec_helpers.ts";
import { int, randomValue } from "./random_values.ts";

describe("codec property", () => {
  it("round-trips 300 random nested values as structuredClone does", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = mulberry32(seed);
      const value = randomValue(rand, 1 + int(rand, 5));
      let out: unknown;
      try {
        out = roundTrip(value);
        assert.deepStrictEqual(out, structuredClone(value));
      } catch (err) {
        throw new Error(`seed ${seed} failed`, { cause: err });
      }
    }
  });

  it("keeps shared references in random graphs", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rand = mulberry32(seed);
      const nodes = Array.from(
        { length: 2 + int(rand, 10) },
        (_, i) => ({ i, to: [] as object[] }),
      );
      for (const node of nodes) {
        for (let k = int(rand, 4); k > 0; k--) node.to.push(nodes[int(rand, nodes.length)]);
      }
      const out = roundTrip(nodes) as typeof nodes;
      for (let i = 0; i < nodes.length; i++) {
        assert.equal(out[i].i, i, `seed ${seed}`);
        assert.deepStrictEqual(
          out[i].to.map((n) => out.indexOf(n as (typeof out)[number])),
          nodes[i].to.map((n) => nodes.indexOf(n as (typeof nodes)[number])),
          `seed ${seed}`,
        );
      }
    }
  });
});
