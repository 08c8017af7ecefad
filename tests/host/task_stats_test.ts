import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bucketOf, bucketTop } from "../../src/host/task_stats.ts";

describe("task timing buckets", () => {
  it("bound every time from above to within a quarter octave", () => {
    for (let micros = 1; micros < 2 ** 31; micros = Math.ceil(micros * 1.07)) {
      const top = bucketTop(bucketOf(micros));
      assert.ok(top > micros, `${micros} µs: top ${top}`);
      assert.ok(top <= micros * 2, `${micros} µs: top ${top}`);
      if (micros >= 4) assert.ok(top <= micros * 1.25 + 1, `${micros} µs: top ${top}`);
    }
  });

  it("put times under 1 µs, and nonsense, in the first bucket", () => {
    assert.equal(bucketOf(0.4), 0);
    assert.equal(bucketOf(-3), 0);
    assert.equal(bucketOf(Number.NaN), 0);
    assert.equal(bucketTop(0), 1);
  });

  it("keep buckets in order of time", () => {
    let last = -1;
    for (let micros = 1; micros < 1e9; micros *= 1.3) {
      const b = bucketOf(micros);
      assert.ok(b >= last);
      last = b;
    }
  });
});
