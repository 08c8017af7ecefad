import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue } from "../../src/memory/codec.ts";
import { Tag } from "../../src/memory/tags.ts";
import { MAX_DEPTH } from "../../src/memory/encode_state.ts";
import { depthOf, nested, type Nesting } from "../fixtures/options_tasks.ts";
import { encodeError, roundTrip } from "./codec_helpers.ts";

const KINDS: Nesting[] = ["object", "array", "map", "set", "error", "sparse"];

describe("codec nesting limit", () => {
  for (const kind of KINDS) {
    it(`round-trips ${kind}s nested ${MAX_DEPTH} deep and refuses one more level`, () => {
      assert.equal(depthOf(roundTrip(nested(kind, MAX_DEPTH))), MAX_DEPTH);
      const err = encodeError(nested(kind, MAX_DEPTH + 1), "result");
      assert.ok(err instanceof RangeError, String(err));
      assert.equal(
        err.message,
        `Cannot send result: objects may nest at most ${MAX_DEPTH} levels deep, received a value nested deeper`,
      );
    });
  }

  it("counts a leaf object (a Date, a typed array) as a level", () => {
    const at = (leaf: object, depth: number) => {
      let value: unknown = leaf;
      for (let i = 1; i < depth; i++) value = [value];
      return value;
    };
    assert.doesNotThrow(() => roundTrip(at(new Date(0), MAX_DEPTH)));
    assert.ok(encodeError(at(new Uint8Array(2), MAX_DEPTH + 1)) instanceof RangeError);
  });

  it("does not count references to objects met before as nesting", () => {
    const shared = { leaf: true };
    const wide = Array.from({ length: 5000 }, () => ({ shared }));
    assert.equal((roundTrip(wide) as typeof wide)[4999].shared.leaf, true);
    const cycle: Record<string, unknown> = {};
    let tail = cycle;
    for (let i = 1; i < MAX_DEPTH; i++) tail = (tail.next = {}) as Record<string, unknown>;
    tail.next = cycle;
    const back = roundTrip(cycle) as Record<string, unknown>;
    let node = back;
    for (let i = 0; i < MAX_DEPTH; i++) node = node.next as Record<string, unknown>;
    assert.equal(node, back);
  });

  it("refuses a 100,000-deep value with the same RangeError, not a stack overflow", () => {
    const err = encodeError(nested("object", 100_000));
    assert.ok(err instanceof RangeError, String(err));
    assert.match(
      err.message,
      new RegExp(`^Cannot send arg: objects may nest at most ${MAX_DEPTH}`),
    );
  });

  it("reports a stack overflow inside the value as a RangeError naming the depth", () => {
    const recurse = (n: number): number => recurse(n + 1) + 1;
    const err = encodeError({
      inner: {
        get overflow() {
          return recurse(0);
        },
      },
    });
    assert.ok(err instanceof RangeError, String(err));
    assert.match(err.message, /^Cannot send arg: the stack ran out 2 levels deep/);
    assert.ok(err.cause instanceof RangeError);
  });

  it("encodes again after refusing a value for its depth", () => {
    encodeError(nested("array", MAX_DEPTH + 5));
    assert.equal(depthOf(roundTrip(nested("array", MAX_DEPTH))), MAX_DEPTH);
  });
});

describe("codec decoding of deep bytes", () => {
  it("turns a stack overflow into a RangeError, for bytes no encoder would write", () => {
    // 100,000 arrays of one element each around a 0: deeper than any runtime's stack holds.
    const depth = 100_000;
    const w = new ByteWriter(16);
    for (let i = 0; i < depth; i++) {
      w.u8(Tag.ARRAY);
      w.u32(1);
    }
    w.u8(Tag.NULL);
    for (let i = 0; i < depth; i++) w.u32(0);
    const shared = new Uint8Array(new SharedArrayBuffer(w.length));
    shared.set(w.bytes.subarray(0, w.length));
    const r = new ByteReader();
    r.reset(shared, new DataView(shared.buffer), 0);
    assert.throws(() => decodeValue(r), (err: Error) => {
      assert.ok(err instanceof RangeError, String(err));
      assert.match(err.message, /^Cannot decode value: the stack ran out/);
      assert.ok(err.message.includes(`at most ${MAX_DEPTH} levels`), err.message);
      assert.ok(err.cause instanceof RangeError);
      return true;
    });
    // The decoder is usable again.
    assert.deepEqual(roundTrip([[1]]), [[1]]);
  });
});

describe("codec paths", () => {
  it("render identifier keys with a dot and any other key in brackets", () => {
    const cases: [string, string][] = [
      ["onSave", ".onSave"],
      ["$el", ".$el"],
      ["_x9", "._x9"],
      ["Z", ".Z"],
      ["9lives", '["9lives"]'],
      ["a-b", '["a-b"]'],
      ["", '[""]'],
      ["é", '["é"]'],
      ["a[", '["a["]'],
      ["`", '["`"]'],
    ];
    for (const [key, segment] of cases) {
      const err = encodeError({ [key]: () => 1 });
      assert.ok(err instanceof TypeError);
      assert.ok(
        err.message.startsWith(`Cannot send arg: arg${segment} is a function`),
        err.message,
      );
    }
  });
});
