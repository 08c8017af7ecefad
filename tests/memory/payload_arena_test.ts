import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PAYLOAD_ALIGN_BYTES } from "../../src/memory/layout.ts";
import { NO_SPACE, PayloadArena } from "../../src/memory/payload_arena.ts";
import { mulberry32 } from "../fixtures/transport_values.ts";

function arena(initial: number, max: number): PayloadArena {
  return new PayloadArena(new SharedArrayBuffer(initial, { maxByteLength: max }));
}

function aligned(n: number): number {
  return Math.ceil(Math.max(n, 1) / PAYLOAD_ALIGN_BYTES) * PAYLOAD_ALIGN_BYTES;
}

describe("PayloadArena", () => {
  it("allocates at offset 0 when nothing is live", () => {
    const a = arena(64, 64);
    assert.equal(a.alloc(10, 0), 0);
    a.release(1);
    assert.equal(a.liveCount, 0);
    // Empty again: back to 0 even though the previous extent ended at 16.
    assert.equal(a.alloc(24, 1), 0);
  });

  it("places each extent after the newest one, aligned to 8 bytes", () => {
    const a = arena(256, 256);
    assert.equal(a.alloc(10, 0), 0);
    assert.equal(a.alloc(20, 1), 16);
    assert.equal(a.alloc(0, 2), 40);
    assert.equal(a.alloc(8, 3), 48);
    assert.equal(a.liveCount, 4);
  });

  it("wraps to offset 0 when the end is full and the start is free", () => {
    const a = arena(64, 64);
    assert.equal(a.alloc(24, 0), 0);
    assert.equal(a.alloc(24, 1), 24);
    a.release(1); // message 0 read: [0, 24) is free
    assert.equal(a.alloc(16, 2), 48);
    assert.equal(a.alloc(16, 3), 0);
    // Wrapped: only the gap [16, 24) before the oldest live extent (message 1) is usable.
    assert.equal(a.alloc(8, 4), 16);
    assert.equal(a.alloc(1, 5), NO_SPACE);
  });

  it("returns NO_SPACE when wrapped and full, and never grows while wrapped", () => {
    const a = arena(64, 1024);
    assert.equal(a.alloc(32, 0), 0);
    assert.equal(a.alloc(32, 1), 32);
    a.release(1);
    assert.equal(a.alloc(32, 2), 0); // wraps rather than grows: the start is free
    assert.equal(a.alloc(8, 3), NO_SPACE);
    assert.equal(a.buffer.byteLength, 64, "a wrapped arena must not grow");
    a.release(2); // message 1 read: only message 2 at [0, 32) is live, not wrapped
    assert.equal(a.alloc(8, 3), 32);
  });

  it("grows when not wrapped and nothing else fits, keeping live extents in place", () => {
    const a = arena(64, 1024);
    assert.equal(a.alloc(40, 0), 0);
    assert.equal(a.alloc(40, 1), 40);
    assert.ok(a.buffer.byteLength >= 80 && a.buffer.byteLength <= 1024);
    assert.equal(a.liveCount, 2);
  });

  it("grows an empty arena to fit the first value", () => {
    const a = arena(0, 1 << 20);
    assert.equal(a.alloc(100_000, 0), 0);
    assert.ok(a.buffer.byteLength >= 100_000);
  });

  it("never grows beyond maxByteLength", () => {
    const a = arena(64, 1000);
    assert.equal(a.alloc(600, 0), 0);
    assert.equal(a.alloc(401, 1), NO_SPACE, "600 + align(401) = 1008 exceeds 1000 bytes");
    assert.equal(a.alloc(392, 1), 600);
    assert.equal(a.buffer.byteLength, 1000);
    assert.equal(a.alloc(8, 2), 992);
    assert.equal(a.alloc(1, 3), NO_SPACE);
    assert.equal(a.buffer.byteLength, 1000);
  });

  it("throws a RangeError naming both sizes for a value larger than maxByteLength", () => {
    const a = arena(64, 4096);
    assert.throws(() => a.alloc(4097, 0), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /4097 bytes/);
      assert.match(err.message, /4096 bytes/);
      return true;
    });
    assert.equal(a.liveCount, 0);
    assert.equal(a.alloc(4096, 0), 0, "exactly maxByteLength still fits");
  });

  it("releases across the 2^32 wrap of message numbers", () => {
    const a = arena(256, 256);
    assert.equal(a.alloc(8, 0xfffffffe), 0);
    assert.equal(a.alloc(8, 0xffffffff), 8);
    assert.equal(a.alloc(8, 0), 16);
    a.release(0xffffffff); // message 0xfffffffe read
    assert.equal(a.liveCount, 2);
    a.release(0); // the count wrapped: message 0xffffffff read, message 0 not yet
    assert.equal(a.liveCount, 1);
    a.release(1);
    assert.equal(a.liveCount, 0);
  });

  it("treats signed and unsigned forms of a message number alike", () => {
    // Outbox counts with `| 0` (signed) while a Uint32Array view reads the same word unsigned.
    const a = arena(256, 256);
    a.alloc(8, -2);
    a.alloc(8, 0xffffffff);
    a.release(0xffffffff);
    assert.equal(a.liveCount, 1);
    a.release(0);
    assert.equal(a.liveCount, 0);
  });

  it("trims the newest extent so that the next one follows its real end", () => {
    const a = arena(1024, 1024);
    assert.equal(a.alloc(8, 0), 0);
    assert.equal(a.alloc(500, 1), 8);
    a.trimNewest(13);
    assert.equal(a.alloc(8, 2), 8 + 16);
  });

  it("never overlaps a live extent and keeps every extent aligned and in bounds", () => {
    const max = 64 * 1024;
    const a = arena(1024, max);
    const rand = mulberry32(0x2a2a_0001);
    /** Live extents of the model, oldest first: [start, end, message]. */
    const live: [number, number, number][] = [];
    // Start just below 2^32 so that message numbers wrap during the run.
    let message = -1000;
    let noSpace = 0;
    let wraps = 0;
    let lastAt = -1;
    for (let step = 0; step < 200_000; step++) {
      const r = rand();
      if (r % 8 === 0 && live.length > 0) {
        // The consumer reads a random prefix of the live messages.
        const k = 1 + (rand() % live.length);
        const read = (live[k - 1][2] + 1) | 0;
        a.release(read);
        live.splice(0, k);
        assert.equal(a.liveCount, live.length);
        continue;
      }
      const bytes = r % 16 === 1 ? rand() % (max / 2) : rand() % 600;
      const before = a.buffer.byteLength;
      const at = a.alloc(bytes, message);
      if (at === NO_SPACE) {
        noSpace++;
        assert.ok(live.length > 0, "an empty arena must always have room");
        assert.equal(a.buffer.byteLength <= max, true);
        continue;
      }
      if (at < lastAt) wraps++;
      lastAt = at;
      const end = at + aligned(bytes);
      assert.equal(at % PAYLOAD_ALIGN_BYTES, 0, `offset ${at} is not aligned`);
      assert.ok(at + bytes <= a.buffer.byteLength, `extent ${at}+${bytes} is out of bounds`);
      assert.ok(a.buffer.byteLength <= max);
      if (a.buffer.byteLength !== before) {
        const starts = live.map((e) => e[0]);
        const wrapped = live.length > 0 && live[live.length - 1][1] <= live[0][0];
        assert.ok(!wrapped, `grew from ${before} while wrapped (${starts.join(",")})`);
      }
      for (const [s, e, m] of live) {
        assert.ok(end <= s || at >= e, `extent [${at}, ${end}) overlaps live [${s}, ${e}) #${m}`);
      }
      live.push([at, end, message]);
      message = (message + 1) | 0;
    }
    assert.ok(noSpace > 100, `NO_SPACE was returned only ${noSpace} times`);
    assert.ok(wraps > 100, `the arena wrapped only ${wraps} times`);
    assert.ok(message > 0, "message numbers crossed 2^32");
  });
});
