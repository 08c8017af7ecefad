/**
 * The state one encoding carries through the value encoder's files, and the shape of the
 * recursive step they share. Types only: every encoder file imports this with `import type`, so
 * it adds nothing at run time.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
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
