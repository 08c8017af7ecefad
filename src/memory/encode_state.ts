/**
 * The state one encoding carries through the value encoder's files, the shape of the recursive
 * step they share, and the depth limit they enforce.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
import type { DateTable } from "./date_table.ts";
import type { OutOfBand } from "./out_of_band.ts";
import type { RefTable } from "./ref_table.ts";

/** What one encoding needs: the writer and the ids of the objects met so far. */
export interface EncodeState {
  w: ByteWriter;
  /** Where out-of-band values go, or undefined where none may be sent. */
  oob: OutOfBand | undefined;
  /**
   * The ids of the objects met so far. Buffers met as the backing store of a `UINT8ARRAY` take
   * an id too, with or without an entry (see encodeView).
   */
  refs: RefTable;
  /**
   * The dates whose prototype is `Date.prototype` met so far, with the ids they took from
   * `refs` (which keeps no entry for them; see `date_table.ts`).
   */
  dates: DateTable;
  /**
   * Objects open on the way down to the one being encoded, that one included (see `MAX_DEPTH`
   * in `value_encoder.ts`). Not unwound when encoding throws: it then tells how deep it failed.
   */
  depth: number;
}

/**
 * Encodes one value inside a container: `encode` in `value_encoder.ts`. The container encoders
 * (arrays, fields, `Map`, `Set`, errors) take it as a parameter rather than importing it, since
 * `value_encoder.ts` imports them and the import would be a cycle. It is always the same
 * function, so engines see a single call target and call or inline it as they would a direct
 * call.
 */
export type EncodeChild = (st: EncodeState, value: unknown) => void;

/**
 * How deep objects may nest in a value, the outermost object counting as one. The encoder and
 * the decoder recurse per level, and engines give a thread about 1 MiB of stack: measured with
 * nothing else on the stack, the shallowest capacity was 1,300-1,600 levels (`Map`s and errors
 * on Deno's and Node's main threads, before the code is optimised); Bun's and Node's workers hold
 * 4,000 to 10,000. 1,000 levels of `Map`s still encoded everywhere below 1,000 frames of the
 * caller's own; below 3,000 the stack ran out near level 850 on Deno's and Node's main threads,
 * which `tooDeep` reports as a `RangeError` too. A value deeper than this fails its call with a
 * `RangeError`, rather than with a stack overflow whose place depends on the runtime and on how
 * deep the caller already was.
 */
export const MAX_DEPTH = 1000;
