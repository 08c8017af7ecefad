/**
 * Packed numbers: which numbers pack as int32 and which as float64, how many fit a slot, and that
 * a pack written raw through a mailbox reads back as the same numbers, in order.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResponseStatus } from "../../src/memory/layout.ts";
import {
  bytesPerNumber,
  FLOAT64S_PER_SLOT,
  INT32S_PER_SLOT,
  isPacked,
  NumberPacker,
  PackReader,
  packStatus,
} from "../../src/memory/number_pack.ts";
import { allocateLink } from "../../src/memory/region.ts";
import { HostLink, WorkerLink } from "../../src/transport/link.ts";

const { YIELD_INT32S, YIELD_FLOAT64S } = ResponseStatus;

/** Writes `values` of call 7 through a worker's response mailbox and reads them on the host. */
function roundTrip(values: number[]): number[] {
  const buffers = allocateLink();
  const worker = new WorkerLink(buffers);
  const host = new HostLink(buffers);
  const reader = new PackReader(buffers.region);
  const packer = new NumberPacker();
  const write = () => {
    assert.equal(
      worker.responses.putEncoded(packer.id, packer.status, packer.bytes, packer.length),
      true,
    );
    packer.clear();
  };
  for (const v of values) {
    if (!packer.add(7, packStatus(v), v)) {
      write();
      assert.equal(packer.add(7, packStatus(v), v), true);
    }
  }
  if (packer.count > 0) write();
  worker.responses.publish();
  const out: number[] = [];
  for (let n = host.responses.available(); n > 0; n--) {
    host.responses.peek();
    assert.equal(host.responses.id, 7);
    const status = host.responses.meta;
    assert.ok(isPacked(status));
    const at = host.responses.takeRaw();
    assert.ok(at >= 0, "a pack sits in its slot");
    const slot = reader.slot(status, at, host.responses.lastLength);
    for (let k = 0; k < slot.count; k++) out.push(slot.value(k));
  }
  host.responses.consume();
  return out;
}

describe("number packing", () => {
  it("packs integers an int32 holds as int32, and every other number as float64", () => {
    for (const v of [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 42]) {
      assert.equal(packStatus(v), YIELD_INT32S, `${v}`);
    }
    for (const v of [-0, 0.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e-300]) {
      assert.equal(packStatus(v), YIELD_FLOAT64S, `${v}`);
    }
    for (const v of ["1", 1n, null, undefined, {}, [1], true]) assert.equal(packStatus(v), 0);
  });

  it("fits twelve int32 or six float64 into one slot, counted at their own size", () => {
    assert.equal(INT32S_PER_SLOT, 12);
    assert.equal(FLOAT64S_PER_SLOT, 6);
    assert.equal(bytesPerNumber(YIELD_INT32S), 4);
    assert.equal(bytesPerNumber(YIELD_FLOAT64S), 8);
    const packer = new NumberPacker();
    for (let i = 0; i < INT32S_PER_SLOT; i++) assert.equal(packer.add(1, YIELD_INT32S, i), true);
    assert.equal(packer.full, true);
    assert.equal(packer.length, 48);
    assert.equal(packer.add(1, YIELD_INT32S, 99), false);
    packer.clear();
    for (let i = 0; i < FLOAT64S_PER_SLOT; i++) {
      assert.equal(packer.add(1, YIELD_FLOAT64S, i), true);
    }
    assert.equal(packer.full, true);
    assert.equal(packer.add(1, YIELD_FLOAT64S, 0.5), false);
  });

  it("refuses a number of another call or another kind than those waiting", () => {
    const packer = new NumberPacker();
    assert.equal(packer.add(1, YIELD_INT32S, 5), true);
    assert.equal(packer.add(2, YIELD_INT32S, 5), false);
    assert.equal(packer.add(1, YIELD_FLOAT64S, 0.5), false);
    assert.equal(packer.count, 1);
    packer.clear();
    assert.equal(packer.add(2, YIELD_FLOAT64S, 0.5), true);
    assert.equal(packer.id, 2);
  });

  it("reads back every number exactly and in order, whatever mix of kinds", () => {
    const values: number[] = [];
    // A seeded sequence (a linear congruential generator): the same mix on every run.
    let seed = 12345;
    const special = [-0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 0.1, 2 ** 53 + 2];
    for (let i = 0; i < 500; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const r = seed % 4;
      values.push(r === 0 ? special[seed % special.length] : r === 1 ? seed / 7 : seed | 0);
    }
    const got = roundTrip(values);
    assert.equal(got.length, values.length);
    for (let i = 0; i < values.length; i++) {
      assert.ok(Object.is(got[i], values[i]), `number ${i}: ${values[i]} came as ${got[i]}`);
    }
  });
});
