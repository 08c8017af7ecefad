import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkNodeVersion, NODE_FLOOR } from "../../src/runtime/node_version.ts";

describe("the Node.js version check", () => {
  it("names the version found and the one needed", () => {
    assert.throws(() => checkNodeVersion("20.20.2"), {
      name: "RangeError",
      message:
        `Cannot load weft: it needs Node.js ${NODE_FLOOR} or later, Deno or Bun, received Node.js 20.20.2`,
    });
  });

  it("refuses an older minor version of the floor's major", () => {
    assert.throws(() => checkNodeVersion("22.2.0"), {
      name: "RangeError",
      message:
        `Cannot load weft: it needs Node.js ${NODE_FLOOR} or later, Deno or Bun, received Node.js 22.2.0`,
    });
    assert.throws(() => checkNodeVersion("v21.7.3"), RangeError);
    assert.throws(() => checkNodeVersion("garbage"), RangeError);
  });

  it("accepts the floor and later versions", () => {
    checkNodeVersion(`${NODE_FLOOR}.0`);
    checkNodeVersion("22.23.3");
    checkNodeVersion("23.0.0");
    checkNodeVersion("24.21.0");
    checkNodeVersion("100.1.2");
  });

  it("refuses a runtime that reports no Node.js version", () => {
    assert.throws(() => checkNodeVersion(undefined), /received a runtime that is none of them$/);
  });
});
