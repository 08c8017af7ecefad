import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool } from "../mod.ts";
import * as sharedTasks from "./fixtures/shared_tasks.ts";

describe("shared memory and moved buffers", () => {
  const pool = createPool({ threads: 1 })({ ...sharedTasks });
  after(() => pool.shutdown());

  it("passes a SharedArrayBuffer as the same memory, not a copy", async () => {
    const sab = new SharedArrayBuffer(16);
    assert.equal(await pool.call.writeShared({ sab, value: 42 }), 16);
    assert.equal(Atomics.load(new Int32Array(sab), 0), 42);
  });

  it("keeps views over one SharedArrayBuffer on one buffer", async () => {
    const sab = new SharedArrayBuffer(16);
    const view = new Int32Array(sab, 4, 2);
    assert.equal(await pool.call.bumpView({ view, again: new Int32Array(sab) }), true);
    assert.deepEqual(Array.from(new Int32Array(sab)), [0, 1, 1, 0]);
  });

  it("returns a SharedArrayBuffer made in the worker, still shared", async () => {
    const { sab } = await pool.call.makeShared(7);
    assert.ok(sab instanceof SharedArrayBuffer);
    assert.equal(new Int32Array(sab)[1], 7);
    Atomics.store(new Int32Array(sab), 0, 99);
    assert.equal(await pool.call.readShared(sab), 99);
  });

  it("moves a buffer listed in transfer, detaching the caller's", async () => {
    const buffer = new Uint8Array(1000).fill(2).buffer;
    const sum = pool.call.sumBytes(buffer, { transfer: [buffer] });
    assert.equal(buffer.byteLength, 0);
    assert.equal(await sum, 2000);
  });

  it("moves a result marked with transfer() back to the host", async () => {
    const { bytes } = await pool.call.makeMoved(5000);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length, 5000);
    assert.equal(bytes[4999], 3);
  });

  it("settles many calls with moved buffers made in one tick", async () => {
    const buffers = Array.from({ length: 300 }, (_, i) => new Uint8Array(10).fill(i % 7).buffer);
    const sums = await Promise.all(buffers.map((b) => pool.call.sumBytes(b, { transfer: [b] })));
    sums.forEach((sum, i) => assert.equal(sum, 10 * (i % 7)));
  });

  it("rejects a transfer list that is not an array of ArrayBuffers", async () => {
    await assert.rejects(
      pool.call.sumBytes(new ArrayBuffer(1), { transfer: [new Uint8Array(1)] as never }),
      (err: Error) => err instanceof TypeError && /transfer must be an array/.test(err.message),
    );
  });
});
