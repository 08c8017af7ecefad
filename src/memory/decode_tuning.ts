/**
 * How a thread's codec goes around its runtime's slow paths: set once per thread, on the host by
 * the dispatcher and in a worker by its loop, from the runtime adapter (`src/runtime/detect.ts`).
 *
 * @module
 */

import { countArrayKeysFrom } from "./array_encoder.ts";
import { copyBytesInto } from "./byte_copy.ts";
import {
  cacheShortStrings,
  copySharedBeforeDecode,
  decodeUtf8Through,
  type Utf8Text,
} from "./byte_reader.ts";
import { cloneErrorsOnDecode } from "./error_decoder.ts";
import { useUtf16Copies, type Utf16Copies } from "./utf16_copies.ts";

/** The codec's work-arounds for one runtime (most of them the decoders'). */
export interface DecodeTuning {
  /** Copy a string's bytes out of shared memory before decoding it (see `copySharedBeforeDecode`). */
  readonly copySharedStrings: boolean;
  /** Build errors from clones of blank ones, not constructors (see `cloneErrorsOnDecode`). */
  readonly cloneErrors: boolean;
  /**
   * A new buffer of `bytes` bytes left as the allocator found it, for copies of large byte arrays
   * that overwrite every byte at once (see `byte_copy.ts`); unset where it would save nothing.
   */
  readonly uninitializedBuffer?: ((bytes: number) => ArrayBuffer) | undefined;
  /**
   * Fast copies of strings to and from UTF-16 code units; set, the encoders send non-ASCII
   * strings as UTF-16 (see `utf16_copies.ts`). Unset: UTF-8.
   */
  readonly utf16?: Utf16Copies | undefined;
  /**
   * Arrays from this length are checked for holes and extra properties by counting their keys
   * rather than listing them (see `countArrayKeysFrom` in `array_encoder.ts`). Unset: never.
   */
  readonly countArrayKeysFrom?: number | undefined;
  /**
   * A text view over a byte array that decodes UTF-8 faster than `TextDecoder` (see
   * `decodeUtf8Through`). Unset: `TextDecoder`.
   */
  readonly utf8?: ((bytes: Uint8Array) => Utf8Text) | undefined;
  /** Short ASCII strings are looked up among those decoded before (see `cacheShortStrings`). */
  readonly shortStrings?: boolean | undefined;
}

/** No work-around: what a runtime whose fast paths are the plain ones needs. */
export const PLAIN_DECODING: DecodeTuning = { copySharedStrings: false, cloneErrors: false };

/** Applies `tuning` to this thread's decoders. */
export function tuneDecoding(tuning: DecodeTuning): void {
  copySharedBeforeDecode(tuning.copySharedStrings);
  cloneErrorsOnDecode(tuning.cloneErrors);
  copyBytesInto(tuning.uninitializedBuffer);
  useUtf16Copies(tuning.utf16);
  countArrayKeysFrom(tuning.countArrayKeysFrom ?? Infinity);
  decodeUtf8Through(tuning.utf8);
  cacheShortStrings(tuning.shortStrings === true);
}
