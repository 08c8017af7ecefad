/** Copies of large byte arrays out of shared memory (`src/memory/byte_copy.ts`). */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { copyBytes, copyBytesInto } from "../../src/memory/byte_copy.ts";
import { runtime } from "../../src/runtime/detect.ts";

/** Shared bytes filled with a pattern that differs at every offset within 251. */
function sharedBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) bytes[i] = i % 251;
  return bytes;
}

describe("copyBytes", () => {
  afterEach(() => copyBytesInto(undefined));

  it("copies into a private buffer of exactly the bytes asked for", () => {
    const src = sharedBytes(100_000);
    const out = copyBytes(src, 3, 70_000);
    assert.equal(out.byteLength, 70_000);
    assert.equal(out.buffer.byteLength, 70_000);
    assert.ok(out.buffer instanceof ArrayBuffer);
    assert.equal(out[0], 3);
    assert.equal(out[69_999], 70_002 % 251);
    src[3] = 200;
    assert.equal(out[0], 3, "the copy shares memory with its source");
  });

  it("takes large buffers from the runtime's allocator, and fills every byte", () => {
    const sizes: number[] = [];
    copyBytesInto((n) => {
      sizes.push(n);
      // Left dirty on purpose, as an uninitialised buffer may be.
      return new Uint8Array(n).fill(0xee).buffer;
    });
    const src = sharedBytes(65_536);
    const large = copyBytes(src, 0, 65_536);
    assert.deepEqual(sizes, [65_536]);
    assert.deepEqual(large, src.slice());
    const small = copyBytes(src, 10, 1024);
    assert.deepEqual(sizes, [65_536], "a small copy used the allocator");
    assert.deepEqual(small, src.slice(10, 1034));
  });

  it("refuses a length past the end of the bytes, so no buffer is left partly unwritten", () => {
    copyBytesInto((n) => new Uint8Array(n).fill(0xee).buffer);
    const src = sharedBytes(20_000);
    for (const [from, n] of [[0, 20_001], [5_000, 16_000], [-1, 16_384], [0, -1]]) {
      assert.throws(() => copyBytes(src, from, n), (err: Error) => {
        assert.ok(err instanceof RangeError);
        assert.match(
          err.message,
          /^Cannot read bytes: the message says .* received a buffer of 20000$/,
        );
        return true;
      });
    }
    assert.equal(copyBytes(src, 4_000, 16_000).length, 16_000);
  });

  it("has an allocator from the runtime only where it saves the zero-fill (Node)", () => {
    const allocate = runtime.decoding.uninitializedBuffer;
    if (runtime.name !== "node") {
      assert.equal(allocate, undefined);
      return;
    }
    const buffer = allocate!(70_000);
    assert.ok(buffer instanceof ArrayBuffer);
    assert.equal(buffer.byteLength, 70_000);
  });
});
