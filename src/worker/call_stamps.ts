/**
 * The worker's side of task timings: it stamps when each call starts and when its result is
 * ready, into the call stamps buffer (`CALL_STAMPS_BYTES` in `layout.ts`; single writer: this
 * worker). The host reads a call's entry after its answer, which is published after both stores,
 * so plain stores suffice: the answer's publishing store orders them.
 *
 * @module
 */

import { CALL_STAMP_ENTRY_F64, SLOT_COUNT } from "../memory/layout.ts";

const MASK = SLOT_COUNT - 1;

/** Start and end stamps of the calls of one worker. */
export class CallStamps {
  readonly #stamps: Float64Array;
  readonly #origin = performance.timeOrigin;

  constructor(buffer: SharedArrayBuffer) {
    this.#stamps = new Float64Array(buffer);
  }

  /** Call number `seq` starts now. */
  started(seq: number): void {
    this.#stamps[(seq & MASK) * CALL_STAMP_ENTRY_F64] = this.#origin + performance.now();
  }

  /** The result (or error) of call number `seq` is ready now. */
  ended(seq: number): void {
    this.#stamps[(seq & MASK) * CALL_STAMP_ENTRY_F64 + 1] = this.#origin + performance.now();
  }
}
