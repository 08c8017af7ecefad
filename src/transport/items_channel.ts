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

/** A message on the wire: call `id`, the sender's message number `s`, and its `n` items as `i0` ... */
type Wire = { id: number; s: number; n: number } & Record<string, unknown>;

function isWire(message: unknown): message is Wire {
  return typeof message === "object" && message !== null &&
    typeof (message as Wire).id === "number" && typeof (message as Wire).n === "number" &&
    typeof (message as Wire).s === "number";
}

/** The items of one message, and its number. */
interface Held {
  s: number;
  items: unknown[];
}

/**
 * Sends items, and keeps those that arrived until their message is read.
 *
 * A stream call sends several messages under one id, so they must be read in the order they were
 * sent. The event loop may already have taken a message off the port (to deliver it later through
 * `add`) when `take` pulls a later one straight from the port (seen on Deno), so each message
 * carries the sender's running number: `take` hands out a message only once every message numbered
 * before it has arrived, and otherwise waits for the event loop to deliver the missing ones.
 */
export class ItemsChannel {
  readonly #end: DataEnd;
  readonly #byId = new Map<number, Held[]>();
  /** Messages sent so far. */
  #sent = 0;
  /** The lowest message number not yet received, and those above it that have been. */
  #next = 0;
  readonly #ahead = new Set<number>();

  constructor(end: DataEnd) {
    this.#end = end;
  }

  /** Posts the items of call `id`, moving the `ArrayBuffer`s among them. */
  send(id: number, items: readonly unknown[]): void {
    const wire: Wire = { id, s: this.#sent, n: items.length };
    this.#sent = (this.#sent + 1) | 0;
    for (let i = 0; i < items.length; i++) wire[`i${i}`] = items[i];
    this.#end.postData(wire, transferList(items));
  }

  /** A message the event loop delivered; anything that is not one of ours is ignored. */
  add(message: unknown): void {
    if (isWire(message)) this.#hold(message);
  }

  /**
   * The items of the next message of call `id`, pulling queued messages until they come.
   * @returns undefined when they are not here yet (or an earlier message is still on its way).
   */
  take(id: number): unknown[] | undefined {
    for (;;) {
      const held = this.#byId.get(id);
      // Every message numbered before the first held one has arrived: it is the next of `id`.
      if (held !== undefined && ((this.#next - held[0].s) | 0) > 0) {
        if (held.length === 1) this.#byId.delete(id);
        return held.shift()!.items;
      }
      const message = this.#end.receiveData();
      if (message === undefined) return undefined;
      if (isWire(message)) this.#hold(message);
    }
  }

  #hold(message: Wire): void {
    const entry = { s: message.s, items: unpack(message) };
    const held = this.#byId.get(message.id);
    if (held === undefined) this.#byId.set(message.id, [entry]);
    else {
      // Usually last; a message the event loop held back arrives after later ones.
      let at = held.length;
      while (at > 0 && ((held[at - 1].s - entry.s) | 0) > 0) at--;
      held.splice(at, 0, entry);
    }
    if (message.s === this.#next) {
      this.#next = (this.#next + 1) | 0;
      while (this.#ahead.delete(this.#next)) this.#next = (this.#next + 1) | 0;
    } else this.#ahead.add(message.s);
  }
}

function unpack(wire: Wire): unknown[] {
  const items = new Array<unknown>(wire.n);
  for (let i = 0; i < wire.n; i++) items[i] = wire[`i${i}`];
  return items;
}
