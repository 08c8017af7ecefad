/**
 * The producer side of a mailbox reuses what the consumer has read before it grows the payload
 * buffer, and asks to publish early once large values are waiting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocateLink } from "../../src/memory/region.ts";
import { HostLink, WorkerLink } from "../../src/transport/link.ts";

describe("outbox", () => {
  it("keeps one large message at a time at the start of a payload buffer that stays small", () => {
    const buffers = allocateLink({ payloadInitialBytes: 4096 });
    const host = new HostLink(buffers);
    const worker = new WorkerLink(buffers);
    const text = "x".repeat(1 << 20);
    const bytes = new Uint8Array(300_000).fill(5);
    for (let i = 0; i < 50; i++) {
      assert.equal(host.requests.put(i, 0, i % 2 === 0 ? text : bytes, "arg"), true);
      host.requests.publish();
      assert.equal(worker.requests.available(), 1);
      worker.requests.peek();
      const value = worker.requests.take();
      worker.requests.consume();
      assert.equal((value as string | Uint8Array).length, i % 2 === 0 ? text.length : 300_000);
    }
    // Room for the worst case of the string (three bytes per character), rounded up: no more.
    assert.ok(
      buffers.requestPayload.byteLength <= 4 << 20,
      `the payload buffer grew to ${buffers.requestPayload.byteLength} bytes`,
    );
  });

  it("wants an early publish after 64 KiB of payload or 16 messages", () => {
    const host = new HostLink(allocateLink());
    const requests = host.requests;
    assert.equal(requests.wantsPublish(), false);
    requests.put(1, 0, new Uint8Array(70_000), "arg");
    assert.equal(requests.wantsPublish(), true);
    requests.publish();
    assert.equal(requests.wantsPublish(), false);
    for (let i = 0; i < 15; i++) requests.put(2 + i, 0, i, "arg");
    assert.equal(requests.wantsPublish(), false);
    requests.put(17, 0, 1, "arg");
    assert.equal(requests.wantsPublish(), true);
  });
});
