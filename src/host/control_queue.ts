/**
 * Stream messages to workers (credit, input items, input end) that found the request mailbox
 * full. They wait here, per lane and in order, and go out before any queued call once the worker
 * frees space; while any wait, the lane asks its worker to ring when it does.
 *
 * Order matters only per call, and a lane keeps one list, so a message never overtakes an earlier
 * one about the same call: once one waits, every later one for that lane waits behind it.
 *
 * @module
 */

import { OUT_OF_BAND_BIT } from "../memory/layout.ts";
import type { OutOfBand } from "../memory/out_of_band.ts";
import type { Lane } from "./lane.ts";

interface Held {
  id: number;
  meta: number;
  bytes: Uint8Array;
}

/** The stream messages that wait for request space, by lane. */
export class ControlQueue {
  readonly #held = new Map<Lane, Held[]>();

  /** True while messages wait for space on `lane`. */
  waiting(lane: Lane): boolean {
    return this.#held.has(lane);
  }

  /**
   * Writes a stream message to `lane`, or keeps it until there is space. `takeItems` gives the
   * out-of-band items its encoding collected; they are posted at once (the worker keeps them per
   * call, in order, until it reads the message).
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  write(
    lane: Lane,
    id: number,
    meta: number,
    value: unknown,
    oob: OutOfBand,
    takeItems: () => unknown[] | undefined,
  ): void {
    let held = this.#held.get(lane);
    if (held === undefined) {
      const placed = lane.putControl(id, meta, value, oob);
      const items = takeItems();
      if (items !== undefined) lane.send(id, items);
      if (placed) return;
      held = [];
      this.#held.set(lane, held);
      lane.wantSpace(true);
      held.push({
        id,
        meta: items !== undefined ? meta | OUT_OF_BAND_BIT : meta,
        bytes: lane.snapshot(),
      });
      return;
    }
    const bytes = lane.link.requests.encode(value, "item", oob);
    const items = takeItems();
    if (items !== undefined) lane.send(id, items);
    held.push({ id, meta: items !== undefined ? meta | OUT_OF_BAND_BIT : meta, bytes });
  }

  /**
   * Writes what waits for `lane` while there is space.
   * @returns true when it wrote any (the lane needs publishing).
   */
  flush(lane: Lane): boolean {
    const held = this.#held.get(lane);
    if (held === undefined) return false;
    let n = 0;
    while (n < held.length && lane.putControlEncoded(held[n].id, held[n].meta, held[n].bytes)) n++;
    held.splice(0, n);
    if (held.length === 0) this.#held.delete(lane);
    return n > 0;
  }

  /** Forgets the messages of a lane whose worker is gone. */
  drop(lane: Lane): void {
    this.#held.delete(lane);
  }
}
