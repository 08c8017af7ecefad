/**
 * Values that travel beside a message's bytes rather than inside them: a `SharedArrayBuffer`
 * (the point is the same memory on both sides, so it cannot be copied into a mailbox) and
 * `ArrayBuffer`s the caller asked to move. The encoder collects them in `items`, in the order it
 * meets them, and writes an `OUT_OF_BAND` tag with the index; the link sends the items through the
 * runtime's message channel (moving the `ArrayBuffer`s, without a copy), and the decoder puts
 * them back in place.
 *
 * @module
 */

/** The out-of-band part of one message. */
export interface OutOfBand {
  /** `ArrayBuffer`s to move rather than copy. */
  transfer: ReadonlySet<ArrayBuffer> | undefined;
  /** Filled by the encoder: the objects that travel beside the bytes. */
  items: object[];
}

/** True when the encoder must send `value` out of band. */
export function isOutOfBand(oob: OutOfBand, value: object): boolean {
  return (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) ||
    (oob.transfer !== undefined && value instanceof ArrayBuffer && oob.transfer.has(value));
}

/**
 * Detaches every moved `ArrayBuffer` among `items` from the caller now, as `postMessage` does,
 * by moving it into a new buffer (no copy) that the message will carry.
 */
export function detachMoved(items: object[]): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item instanceof ArrayBuffer) items[i] = item.transfer();
  }
}

/** The `ArrayBuffer`s among `items`: the transfer list of the message that carries them. */
export function transferList(items: readonly object[]): ArrayBuffer[] {
  return items.filter((item): item is ArrayBuffer => item instanceof ArrayBuffer);
}

/**
 * Ends one message's encoding: takes the items it collected out of `oob` (which is reused for the
 * next message) and forgets its transfer set.
 * @returns The items, or undefined when there were none.
 */
export function takeItems(oob: OutOfBand): object[] | undefined {
  oob.transfer = undefined;
  if (oob.items.length === 0) return undefined;
  const items = oob.items.slice();
  oob.items.length = 0;
  return items;
}
