/**
 * Raw messages: bytes written with `putEncoded` (its length argument cut to a prefix) are read
 * back by `takeRaw` where they sit, with the length the producer counted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INLINE_BYTES } from "../../src/memory/layout.ts";
import { allocateLink } from "../../src/memory/region.ts";
import { HostLink, WorkerLink } from "../../src/transport/link.ts";

describe("raw messages", () => {
  it("hands out the slot offset and length of bytes written raw, and -1 for payload bytes", () => {
    const buffers = allocateLink();
    const worker = new WorkerLink(buffers);
    const host = new HostLink(buffers);
    const bytes = new Uint8Array(INLINE_BYTES + 10).map((_, i) => i + 1);
    assert.equal(worker.responses.putEncoded(3, 8, bytes, 20), true);
    assert.equal(worker.responses.lastBytes, 20);
    assert.equal(worker.responses.putEncoded(4, 8, bytes), true);
    worker.responses.publish();
    const region = new Uint8Array(buffers.region);
    host.responses.peek();
    assert.equal(host.responses.id, 3);
    assert.equal(host.responses.meta, 8);
    const at = host.responses.takeRaw();
    assert.equal(host.responses.lastLength, 20);
    assert.deepEqual(region.slice(at, at + 20), bytes.slice(0, 20));
    host.responses.peek();
    assert.equal(host.responses.id, 4);
    assert.equal(host.responses.takeRaw(), -1);
    assert.equal(host.responses.lastLength, bytes.length);
    assert.equal(host.responses.available(), 0);
    assert.equal(host.responses.consume(), true);
  });
});
