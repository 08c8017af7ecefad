import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { taskFingerprint } from "../../src/worker/registry.ts";

describe("taskFingerprint", () => {
  const plus2 = (x: number) => x + 2;
  const plus3 = (x: number) => x + 3;

  it("gives the same definition at the same place the same 32-bit number", () => {
    const again = (x: number) => x + 2;
    assert.equal(taskFingerprint(plus2, 4), taskFingerprint(again, 4));
    const n = taskFingerprint(plus2, 4);
    assert.ok(Number.isInteger(n) && n >= 0 && n < 2 ** 32);
  });

  it("tells apart functions whose source has the same length", () => {
    assert.equal(String(plus2).length, String(plus3).length);
    assert.notEqual(taskFingerprint(plus2, 0), taskFingerprint(plus3, 0));
  });

  it("tells apart the same function at another place", () => {
    assert.notEqual(taskFingerprint(plus2, 0), taskFingerprint(plus2, 1));
  });
});
