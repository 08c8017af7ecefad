/**
 * One side's end of a worker's data channel, which carries the out-of-band items of calls and
 * answers (see `src/memory/out_of_band.ts`) beside the shared-memory mailboxes.
 *
 * The sender posts a message's items before it publishes the message, so by the time the
 * receiver reads the slot the items are already queued on its port: `take` pulls them
 * synchronously (`receiveMessageOnPort`) instead of waiting for the event loop to deliver them.
 * Items the event loop did deliver first come in through `add`.
 *
 * On the wire, a message is one flat object, `{ id, n, i0, i1, ... }`: Bun shares the strings
 * of a flat object of primitives without copying them, but copies them when they sit in an
 * array or a nested object.
 *
 * @module
 */

import { transferList } from "../memory/out_of_band.ts";

/** The runtime's data port, as both the host's worker handle and the worker's parent port offer it. */
export interface DataEnd {
  /** Posts `message`, moving the buffers in `transfer`. */
  postData(message: unknown, transfer: ArrayBuffer[]): void;
  /** Takes the next queued message now, or undefined. */
  receiveData(): unknown;
}

/** A message on the wire: call `id` and its `n` items as `i0` ... */
type Wire = { id: number; n: number } & Record<string, unknown>;

function isWire(message: unknown): message is Wire {
  return typeof message === "object" && message !== null &&
    typeof (message as Wire).id === "number" && typeof (message as Wire).n === "number";
}

/** Sends items, and keeps those that arrived until their message is read. */
export class ItemsChannel {
  readonly #end: DataEnd;
  readonly #byId = new Map<number, unknown[]>();

  constructor(end: DataEnd) {
    this.#end = end;
  }

  /** Posts the items of call `id`, moving the `ArrayBuffer`s among them. */
  send(id: number, items: readonly unknown[]): void {
    const wire: Wire = { id, n: items.length };
    for (let i = 0; i < items.length; i++) wire[`i${i}`] = items[i];
    this.#end.postData(wire, transferList(items));
  }

  /** A message the event loop delivered; anything that is not one of ours is ignored. */
  add(message: unknown): void {
    if (isWire(message)) this.#byId.set(message.id, unpack(message));
  }

  /**
   * The items of call `id`, pulling queued messages until they come.
   * @returns undefined when they are not on the port yet.
   */
  take(id: number): unknown[] | undefined {
    const held = this.#byId.get(id);
    if (held !== undefined) {
      this.#byId.delete(id);
      return held;
    }
    for (;;) {
      const message = this.#end.receiveData();
      if (message === undefined) return undefined;
      if (!isWire(message)) continue;
      if (message.id === id) return unpack(message);
      this.#byId.set(message.id, unpack(message));
    }
  }
}

function unpack(wire: Wire): unknown[] {
  const items = new Array<unknown>(wire.n);
  for (let i = 0; i < wire.n; i++) items[i] = wire[`i${i}`];
  return items;
}
