import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canBlock } from "../../src/host/call_sync.ts";

describe("canBlock", () => {
  it("is true here, and false where Atomics.wait throws", () => {
    assert.equal(canBlock(), true);
    const refuse = (() => {
      throw new TypeError("Atomics.wait cannot be called in this context");
    }) as unknown as typeof Atomics.wait;
    assert.equal(canBlock(refuse), false);
  });
});
