/**
 * Large values, which travel beside the mailbox through the worker's data channel (byte copies
 * of 128 KiB and more, 256 KiB on Node; strings too on Bun; large bigints): every kind arrives as
 * `structuredClone` would make it, the caller's copy stays its own, views keep sharing their
 * buffer, and many in flight at once keep their order. The sizes are above every runtime's
 * threshold; the thresholds themselves are tested from both sides.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { after, describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { runtime } from "../src/runtime/detect.ts";
import { echo, makeBytes } from "./fixtures/basic_tasks.ts";

const KB = 1000;

function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe("large values through a worker", () => {
  const pool = createPool({ threads: 1 })({ echo, makeBytes });
  after(() => pool.shutdown());

  const kinds: [string, () => unknown][] = [
    ["a Uint8Array", () => pattern(300 * KB)],
    ["a Float64Array", () => new Float64Array(40 * KB).map((_, i) => i / 3)],
    ["a BigInt64Array", () => new BigInt64Array(40 * KB).map((_, i) => BigInt(i) - 5000n)],
    ["a DataView inside its buffer", () => new DataView(pattern(600 * KB).buffer, 1000, 290 * KB)],
    [
      "a typed array inside its buffer",
      () => new Int16Array(pattern(400 * KB).buffer, 64, 150 * KB),
    ],
    ["an ArrayBuffer", () => pattern(300 * KB, 7).buffer],
    ["an object holding several", () => ({ a: pattern(280 * KB), b: [pattern(300 * KB, 1)] })],
    ["an ASCII string", () => "x".repeat(300 * KB)],
    ["a string outside Latin-1", () => "añ😀д".repeat(40 * KB)],
    ["a string with lone surrogates", () => "\ud800a\udc00".repeat(30 * KB)],
    ["a large bigint of either sign", () => [3n ** 40_000n, -(7n ** 30_000n), 2n ** 64n]],
  ];
  for (const [name, make] of kinds) {
    it(`carries ${name} as structuredClone does`, async () => {
      const value = make();
      const expected = structuredClone(value);
      assert.deepStrictEqual(await pool.call.echo(value), expected);
      // The caller's value was copied, not moved.
      assert.deepStrictEqual(value, expected);
    });
  }

  it("sends only a Buffer's own bytes, leaving the caller's buffer attached", async () => {
    const backing = pattern(600 * KB);
    const buffer = Buffer.from(backing.buffer, 1000, 300 * KB);
    const out = (await pool.call.echo(buffer)) as Uint8Array;
    assert.equal(out.byteOffset, 0);
    assert.equal(out.buffer.byteLength, 300 * KB);
    assert.deepStrictEqual(new Uint8Array(out), backing.slice(1000, 301 * KB));
    assert.equal(backing.buffer.byteLength, 600 * KB);
  });

  it("keeps large views of one buffer on one buffer", async () => {
    const shared = pattern(300 * KB).buffer;
    const value = {
      bytes: new Uint8Array(shared),
      floats: new Float64Array(shared, 8, 1000),
      buffer: shared,
    };
    const out = (await pool.call.echo(value)) as typeof value;
    assert.equal(out.bytes.buffer, out.buffer);
    assert.equal(out.floats.buffer, out.buffer);
    assert.deepStrictEqual(out, structuredClone(value));
  });

  it("carries byte arrays just below and at this runtime's channel threshold", async () => {
    // Below it the bytes go through the mailbox's payload, from it through the data channel.
    const at = runtime.outOfBand.bytes;
    for (const n of [at - 1, at, at + 1]) {
      const value = pattern(n, n & 0xff);
      const out = (await pool.call.echo(value)) as Uint8Array;
      assert.equal(out.length, n);
      assert.deepStrictEqual(out, value);
      const buffer = (await pool.call.echo(value.buffer)) as ArrayBuffer;
      assert.deepStrictEqual(new Uint8Array(buffer), value);
    }
  });

  it("returns large results made in the worker", async () => {
    const out = (await pool.call.makeBytes(500 * KB)) as Uint8Array;
    assert.equal(out.length, 500 * KB);
    assert.ok(out.every((b) => b === 7));
  });

  it("keeps 200 large calls in flight in order, mixed with small ones", async () => {
    const inputs = Array.from(
      { length: 200 },
      (_, i) => i % 3 === 0 ? i : i % 3 === 1 ? pattern(270 * KB + i, i) : "s".repeat(70 * KB + i),
    );
    const outputs = await Promise.all(inputs.map((v) => pool.call.echo(v)));
    outputs.forEach((out, i) => assert.deepStrictEqual(out, inputs[i]));
  });
});
