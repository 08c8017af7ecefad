/** The balancers: pure functions over lane state. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BALANCERS,
  firstIdle,
  type LaneState,
  leastBusy,
  roundRobin,
} from "../../src/host/balancer.ts";

/** Lanes from `[inFlight, open?, ready?]` triples (open and ready by default). */
function lanes(...specs: [number, boolean?, boolean?][]): LaneState[] {
  return specs.map(([inFlight, open = true, ready = true]) => ({ inFlight, open, ready }));
}

describe("balancers", () => {
  it("roundRobin takes the first open lane from start, wrapping", () => {
    const l = lanes([5], [0, false], [9], [1]);
    assert.equal(roundRobin(l, 0), 0);
    assert.equal(roundRobin(l, 1), 2);
    assert.equal(roundRobin(l, 3), 3);
    assert.equal(roundRobin(lanes([0, false], [0, false]), 1), -1);
  });

  it("leastBusy takes the open lane with the fewest calls in flight, the first from start among equals", () => {
    assert.equal(leastBusy(lanes([3], [1], [2]), 0), 1);
    assert.equal(leastBusy(lanes([3], [1, false], [2]), 0), 2);
    assert.equal(leastBusy(lanes([2], [2], [2]), 1), 1);
    assert.equal(leastBusy(lanes([2], [2], [2]), 2), 2);
    assert.equal(leastBusy(lanes([0, false]), 0), -1);
  });

  it("firstIdle takes the first idle lane from start, else the least busy", () => {
    assert.equal(firstIdle(lanes([1], [0], [0]), 0), 1);
    assert.equal(firstIdle(lanes([1], [0], [0]), 2), 2);
    assert.equal(firstIdle(lanes([4], [2], [3]), 0), 1);
    assert.equal(firstIdle(lanes([0, false], [5]), 0), 1);
  });

  it("every balancer prefers a ready lane, however busy, over one still starting", () => {
    const l = lanes([0, true, false], [7], [0, false]);
    for (const [name, pick] of Object.entries(BALANCERS)) {
      assert.equal(pick(l, 0), 1, name);
      assert.equal(pick(lanes([0, true, false], [0, true, false]), 1), 1, `${name}, none ready`);
    }
  });

  it("never picks a closed lane", () => {
    // Every combination of four lanes' open flags, loads and start lanes.
    for (let mask = 0; mask < 16; mask++) {
      const l = lanes(
        ...[0, 1, 2, 3].map((i) => [i % 3, (mask & (1 << i)) !== 0] as [number, boolean]),
      );
      for (const pick of Object.values(BALANCERS)) {
        for (let start = 0; start < 4; start++) {
          const i = pick(l, start);
          if (mask === 0) assert.equal(i, -1);
          else assert.ok(i >= 0 && l[i].open);
        }
      }
    }
  });
});
