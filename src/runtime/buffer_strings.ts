/**
 * Node's and Bun's fast string routes through `Buffer`, over the same memory as the codec's byte
 * array:
 * - copies between strings and UTF-16 code units (see `src/memory/utf16_copies.ts`): `utf16le`
 *   write and `toString`, which copy units as they are (lone surrogates included) where
 *   `TextEncoder`/`TextDecoder` transcode, on a `Buffer` made once per array;
 * - UTF-8 decoding (see `decodeUtf8Through` in `src/memory/byte_reader.ts`): `toString("utf8")`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Utf16Copies } from "../memory/utf16_copies.ts";

/**
 * A `Buffer` over each byte array seen, kept as long as the array lives. The codec reuses a few
 * arrays (a mailbox's payload view, a scratch buffer) call after call, and a lookup here costs
 * less than making a `Buffer` each time.
 */
const views = new WeakMap<Uint8Array, Buffer>();

function bufferOver(bytes: Uint8Array): Buffer {
  let view = views.get(bytes);
  if (view === undefined) {
    view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, view);
  }
  return view;
}

/** A `Buffer` over `bytes`, for a reader's UTF-8 decoding (the reader keeps it per array). */
export function utf8Text(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-16 copies through `Buffer`, for Node and Bun. */
export const BUFFER_UTF16: Utf16Copies = {
  write: (bytes, at, value) => bufferOver(bytes).write(value, at, "utf16le"),
  read: (bytes, from, end) => bufferOver(bytes).toString("utf16le", from, end),
};
