/**
 * SizeRuns: the window's item sizes kept as runs of equal sizes give back the same sizes, in the
 * same order, as a plain queue of them would, whatever the mix of pushes, shifts and takes.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SizeRuns } from "../../src/memory/size_runs.ts";
import { mulberry32 } from "../fixtures/transport_values.ts";

describe("SizeRuns", () => {
  it("shifts the sizes in the order they were pushed, runs and single sizes alike", () => {
    const runs = new SizeRuns();
    runs.push(4);
    runs.pushRun(4, 3);
    runs.push(8);
    runs.pushRun(100, 2);
    runs.push(4);
    assert.equal(runs.length, 8);
    const out: number[] = [];
    while (runs.length > 0) out.push(runs.shift());
    assert.deepEqual(out, [4, 4, 4, 4, 8, 100, 100, 4]);
  });

  it("takes the sum of the first sizes, splitting a run where the count ends", () => {
    const runs = new SizeRuns();
    runs.pushRun(4, 10);
    runs.pushRun(8, 10);
    runs.push(1);
    assert.equal(runs.take(5), 20);
    assert.equal(runs.take(10), 5 * 4 + 5 * 8);
    assert.equal(runs.length, 6);
    assert.equal(runs.take(6), 5 * 8 + 1);
    assert.equal(runs.length, 0);
    runs.push(3);
    assert.equal(runs.shift(), 3);
  });

  it("holds nothing after clear", () => {
    const runs = new SizeRuns();
    runs.pushRun(4, 5);
    runs.push(9);
    runs.clear();
    assert.equal(runs.length, 0);
    runs.push(7);
    assert.equal(runs.take(1), 7);
  });

  it("agrees with a plain queue over a seeded mix of pushes, shifts and takes", () => {
    const rand = mulberry32(0x51ce5);
    const runs = new SizeRuns();
    const model: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      const op = rand() % 4;
      if (op === 0) {
        // Few distinct sizes, so that runs form and break.
        const size = [4, 8, 40][rand() % 3];
        const count = 1 + (rand() % 20);
        runs.pushRun(size, count);
        for (let i = 0; i < count; i++) model.push(size);
      } else if (op === 1) {
        const size = [4, 8, 40][rand() % 3];
        runs.push(size);
        model.push(size);
      } else if (op === 2 && model.length > 0) {
        assert.equal(runs.shift(), model.shift());
      } else if (op === 3) {
        const n = rand() % (model.length + 1);
        const expected = model.splice(0, n).reduce((a, b) => a + b, 0);
        assert.equal(runs.take(n), expected);
      }
      assert.equal(runs.length, model.length);
    }
  });
});
