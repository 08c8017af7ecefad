/**
 * Allocation and attachment of the shared memory behind one host<->worker link: a fixed control
 * region (signal lines and both mailboxes) and one growable payload buffer per direction.
 * Allocation happens once, on the host; both threads then attach views to the same buffers.
 *
 * @module
 */

import { INLINE_OFFSET, REGION_BYTES } from "./layout.ts";

/** Sizes of the payload buffers. */
export interface PayloadOptions {
  /** Bytes each payload buffer starts with; at most `payloadMaxByteLength`. Default: 64 KiB. */
  payloadInitialBytes?: number;
  /**
   * Bytes a payload buffer may grow to (at least 1, at most 2^32 - 1); a larger value rejects its
   * call. Default: 256 MiB.
   */
  payloadMaxByteLength?: number;
}

/** The buffers of one link, as sent to the worker. */
export interface LinkBuffers {
  region: SharedArrayBuffer;
  requestPayload: SharedArrayBuffer;
  responsePayload: SharedArrayBuffer;
}

/** Default initial payload buffer size in bytes. */
export const DEFAULT_PAYLOAD_INITIAL_BYTES = 64 * 1024;
/** Default maximum payload buffer size in bytes. */
export const DEFAULT_PAYLOAD_MAX_BYTES = 256 * 1024 * 1024;
/**
 * The largest payload buffer: slot headers hold payload offsets and lengths in 32-bit words
 * (`layout.ts`), and the offset `INLINE_OFFSET` (2^32 - 1) marks a value held inline.
 */
export const MAX_PAYLOAD_BYTES = INLINE_OFFSET;

/** Allocates the buffers of one link, of sizes that `createPool` has checked. */
export function allocateLink(options: PayloadOptions = {}): LinkBuffers {
  const initial = options.payloadInitialBytes ?? DEFAULT_PAYLOAD_INITIAL_BYTES;
  const max = options.payloadMaxByteLength ?? DEFAULT_PAYLOAD_MAX_BYTES;
  const payload = () => new SharedArrayBuffer(initial, { maxByteLength: max });
  return {
    region: new SharedArrayBuffer(REGION_BYTES),
    requestPayload: payload(),
    responsePayload: payload(),
  };
}

/**
 * A fixed-length view of a growable buffer's current length. Copying out of a length-tracking
 * view is up to 3x slower on V8 (measured: `slice` of 1 MiB at 1.1 vs 3.1 GB/s on Node 24), so
 * views are fixed and made again when the producer has grown the buffer.
 */
export function fixedBytes(buffer: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(buffer, 0, buffer.byteLength);
}
