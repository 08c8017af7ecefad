import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BOOLEAN,
  checkOptions,
  closest,
  finite,
  group,
  integer,
  MODULE_URL,
  oneOf,
  shown,
} from "../../src/host/option_schema.ts";

const SCHEMA = {
  count: integer(1, 10),
  limit: integer(0, 5, "a small integer or Infinity", true),
  ratio: finite("a positive number", 0, true),
  flag: BOOLEAN,
  mode: oneOf(["fast", "slow"]),
  url: MODULE_URL,
  inner: group({ depth: integer(0, 3) }),
};

/** The error `checkOptions` throws for `options`, or undefined. */
function failure(options: unknown): Error | undefined {
  try {
    checkOptions("test", options, SCHEMA);
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

describe("checkOptions", () => {
  it("accepts undefined options, undefined values and values in range", () => {
    assert.equal(failure(undefined), undefined);
    assert.equal(failure({ count: undefined }), undefined);
    assert.equal(
      failure({
        count: 10,
        limit: Infinity,
        ratio: 0.5,
        flag: false,
        mode: "slow",
        url: new URL("file:///x.ts"),
        inner: { depth: 0 },
      }),
      undefined,
    );
  });

  it("throws a TypeError for a wrong type and a RangeError for a value out of range", () => {
    const cases: [unknown, ErrorConstructor, string][] = [
      [{ count: "3" }, TypeError, 'count must be an integer from 1 to 10, received "3" (a string)'],
      [{ count: 11 }, RangeError, "count must be an integer from 1 to 10, received 11 (a number)"],
      [{ count: 2.5 }, RangeError, "received 2.5 (a number)"],
      [{ limit: -Infinity }, RangeError, "limit must be a small integer or Infinity"],
      [{ ratio: 0 }, RangeError, "ratio must be a positive number, received 0 (a number)"],
      [{ ratio: Infinity }, RangeError, "received Infinity (a number)"],
      [{ ratio: 1n }, TypeError, "received 1n (a bigint)"],
      [{ flag: 1 }, TypeError, "flag must be a boolean, received 1 (a number)"],
      [{ mode: "medium" }, RangeError, 'mode must be one of "fast", "slow", received "medium"'],
      [{ mode: "Fast" }, RangeError, '(did you mean "fast"?)'],
      [{ url: "" }, RangeError, 'url must be a module URL (a string or a URL), received ""'],
      [{ url: {} }, TypeError, "received an object"],
      [{ inner: [] }, TypeError, "inner must be an object, received an array"],
      [{ inner: { depth: 4 } }, RangeError, "inner.depth must be an integer from 0 to 3"],
      [[], TypeError, "options must be an object, received an array"],
      [() => 1, TypeError, "options must be an object, received a function"],
    ];
    for (const [options, Class, message] of cases) {
      const err = failure(options);
      assert.ok(err instanceof Class, `${message}: ${err}`);
      assert.ok(err.message.startsWith("Cannot test: "), err.message);
      assert.ok(err.message.includes(message), err.message);
    }
  });

  it("names the closest option for an unknown one, at every level", () => {
    assert.equal(
      failure({ cont: 1 })?.message,
      "Cannot test: there is no option cont (did you mean count?), received cont: 1 (a number)",
    );
    assert.match(
      failure({ inner: { Depth: 1 } })!.message,
      /inner\.Depth \(did you mean inner\.depth\?\)/,
    );
    assert.ok(failure({ inner: { Depth: 1 } }) instanceof TypeError);
  });

  it("lists the options when no known one is near", () => {
    assert.match(
      failure({ zzzzzz: 1 })!.message,
      /there is no option zzzzzz \(the options are count, limit, ratio, flag, mode, url, inner\)/,
    );
    assert.match(failure({ inner: { qqqqq: 1 } })!.message, /the inner options are inner\.depth/);
  });

  it("does not take names inherited from Object.prototype for options", () => {
    assert.ok(failure({ toString: 1 }) instanceof TypeError);
    assert.ok(failure({ inner: { constructor: 1 } }) instanceof TypeError);
  });
});

describe("closest", () => {
  it("prefers a difference of case, then the fewest edits, then the longest shared start", () => {
    assert.equal(closest("maxqueue", ["maxQueue", "maxQueues"]), "maxQueue");
    assert.equal(closest("thread", ["threads", "timeoutGrace"]), "threads");
    assert.equal(
      closest("payloadMaxBytes", ["payloadInitialBytes", "payloadMaxByteLength"]),
      "payloadMaxByteLength",
    );
  });

  it("finds nothing when every name is far", () => {
    assert.equal(closest("colour", ["threads", "module"]), undefined);
    assert.equal(closest("x", []), undefined);
  });
});

describe("shown", () => {
  it("shows each kind of value with its type", () => {
    assert.equal(shown("2"), '"2" (a string)');
    assert.equal(shown(-0), "-0 (a number)");
    assert.equal(shown(true), "true (a boolean)");
    assert.equal(shown(Symbol("s")), "Symbol(s) (a symbol)");
    assert.equal(shown(null), "null");
    assert.equal(shown(undefined), "undefined");
    assert.equal(shown(new URL("file:///a.ts")), "file:///a.ts (a URL)");
    assert.equal(shown("x".repeat(100)), `"${"x".repeat(60)}…" (a string)`);
  });
});
