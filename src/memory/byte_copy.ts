/**
 * Copies of large byte arrays out of shared memory: what a message's direct byte array (or
 * `ArrayBuffer`) becomes on the reading side. A copy overwrites every byte of its new buffer at
 * once, so on a runtime that zero-fills new buffers (Node) the buffer is taken without that, from
 * `COPY_UNINITIALIZED_BYTES` up; everywhere else, and below that size, it is a plain `slice`.
 *
 * @module
 */

/**
 * Bytes from which a copy goes into an uninitialised buffer. Below it, `slice` is as fast or
 * faster (Node 24: 2 KiB 1.8 vs 2.2 us, 16 KiB 5.3 vs 4.5 us, 64 KiB 30 vs 26 us under load).
 */
const COPY_UNINITIALIZED_BYTES = 16 * 1024;

/** This thread's allocator of uninitialised buffers, if its runtime has one worth using. */
let uninitialized: ((bytes: number) => ArrayBuffer) | undefined;

/**
 * Makes this thread's copies of large byte arrays use `allocate` for their buffers (see the
 * module doc); undefined: `slice`. Set once per thread, from the runtime adapter.
 */
export function copyBytesInto(allocate: ((bytes: number) => ArrayBuffer) | undefined): void {
  uninitialized = allocate;
}

/**
 * A copy of `n` bytes of `bytes` from `from`, in a buffer of exactly `n` bytes.
 * @throws {RangeError} When the bytes end before `from + n`.
 */
export function copyBytes(bytes: Uint8Array, from: number, n: number): Uint8Array {
  // An uninitialised buffer must be overwritten whole, or it would hand out old memory.
  if (from < 0 || n < 0 || from + n > bytes.length) {
    throw new RangeError(
      `Cannot read bytes: the message says ${n} bytes from offset ${from}, received a buffer of ${bytes.length}`,
    );
  }
  if (uninitialized === undefined || n < COPY_UNINITIALIZED_BYTES) {
    return bytes.slice(from, from + n);
  }
  const out = new Uint8Array(uninitialized(n), 0, n);
  out.set(bytes.subarray(from, from + n));
  return out;
}
