/**
 * Values that travel beside a message's bytes rather than inside them, through the runtime's
 * message channel:
 * - a `SharedArrayBuffer` (the point is the same memory on both sides, so it cannot be copied
 *   into a mailbox);
 * - an `ArrayBuffer` the caller asked to move (moved without a copy);
 * - a large byte copy: the buffer of a large typed array, `DataView` or `ArrayBuffer` is copied
 *   once into a fresh buffer that is then moved, so the receiver gets it without a second copy
 *   and allocation (through a mailbox it would be copied in, then copied out into a fresh buffer);
 * - a large string, where the runtime's channel carries strings cheaply (Bun shares them), or a
 *   large non-ASCII one where the mailbox would transcode it (Deno);
 * - a large bigint, which the channel copies natively (through the mailbox it goes as hex digits).
 *
 * The encoder collects them in `items`, in the order it meets them, and writes an `OUT_OF_BAND`
 * (or `OUT_OF_BAND_PRIMITIVE`) tag with the index; the link sends the items before it publishes the
 * message, and the decoder puts them back in place.
 *
 * @module
 */

import { looksWide } from "./utf16_copies.ts";

/** Sizes from which values go out of band rather than through the mailbox. */
export interface OutOfBandPolicy {
  /** Byte copies of at least this many bytes go out of band (`Infinity`: never). */
  readonly bytes: number;
  /** Strings of at least this many UTF-16 units go out of band (`Infinity`: never). */
  readonly string: number;
  /**
   * Strings of at least this many units that look non-ASCII (`looksWide` in `utf16_copies.ts`)
   * go out of band, where the channel copies their units and the mailbox would transcode them
   * to UTF-8 and back (`Infinity`: never; below `string` to matter).
   */
  readonly wideString: number;
  /** Bigints of at least this magnitude go out of band (undefined: never). */
  readonly bigint: bigint | undefined;
}

/** The out-of-band part of one message, reused from message to message. */
export interface OutOfBand {
  /** `ArrayBuffer`s to move rather than copy. */
  transfer: ReadonlySet<ArrayBuffer> | undefined;
  /** Filled by the encoder: the values that travel beside the bytes. */
  items: unknown[];
  /** Filled by the encoder: bytes of the copies and strings among `items` (they count towards
   * the largest message allowed, as they would in the mailbox). */
  copied: number;
  /** When large copies and strings go out of band. */
  readonly policy: OutOfBandPolicy;
}

/** Never sends copies or strings out of band: only shared and moved buffers. */
export const NO_LARGE_VALUES: OutOfBandPolicy = {
  bytes: Infinity,
  string: Infinity,
  wideString: Infinity,
  bigint: undefined,
};

/** A fresh, empty out-of-band part that follows `policy`. */
export function outOfBand(policy: OutOfBandPolicy = NO_LARGE_VALUES): OutOfBand {
  return { transfer: undefined, items: [], copied: 0, policy };
}

/** True when the encoder must send `value` out of band as it is (shared or moved). */
export function isOutOfBand(oob: OutOfBand, value: object): boolean {
  return (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) ||
    (oob.transfer !== undefined && value instanceof ArrayBuffer && oob.transfer.has(value));
}

/** True when a copy of `byteLength` bytes should go out of band. */
export function copiesOutOfBand(oob: OutOfBand | undefined, byteLength: number): boolean {
  return oob !== undefined && byteLength >= oob.policy.bytes;
}

/**
 * Whether a string or bigint should go out of band.
 * @returns The bytes it counts for in the message's size (a string's length; 0 for a bigint,
 *   whose size is not known without converting it), or -1 when it stays in the message.
 */
export function primitiveOutOfBand(oob: OutOfBand | undefined, value: string | bigint): number {
  if (oob === undefined) return -1;
  if (typeof value === "string") {
    const n = value.length;
    const { string, wideString } = oob.policy;
    return n >= string || (n >= wideString && looksWide(value)) ? n : -1;
  }
  const limit = oob.policy.bigint;
  return limit !== undefined && (value >= limit || -value >= limit) ? 0 : -1;
}

/**
 * Adds `item` to the message's items.
 * @param copied Bytes to count towards the message's size (0 for shared and moved buffers).
 * @returns Its index.
 */
export function addItem(oob: OutOfBand, item: unknown, copied: number): number {
  oob.copied += copied;
  return oob.items.push(item) - 1;
}

/**
 * Detaches every `ArrayBuffer` that the caller moves from the caller now, as `postMessage` does,
 * by moving it into a new buffer (no copy) that the message will carry. Call before
 * {@linkcode takeItems}, which forgets the transfer set.
 */
export function detachMoved(oob: OutOfBand): void {
  const moved = oob.transfer;
  if (moved === undefined) return;
  const items = oob.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item instanceof ArrayBuffer && moved.has(item)) items[i] = item.transfer();
  }
}

/** The `ArrayBuffer`s among `items` (moved buffers and copies): the message's transfer list. */
export function transferList(items: readonly unknown[]): ArrayBuffer[] {
  return items.filter((item): item is ArrayBuffer => item instanceof ArrayBuffer);
}

/**
 * True when a message with these items can be sent again after its receiver died: every item is
 * still on this side (shared buffers and strings). Moved buffers and copies left with the message.
 */
export function canResend(items: readonly unknown[] | undefined): boolean {
  return items === undefined || items.every((item) => !(item instanceof ArrayBuffer));
}

/** Drops the items collected so far (keeps the transfer set, for encoding the message again). */
export function clearItems(oob: OutOfBand): void {
  // Most messages have no items: setting an array's length is a call into the engine even when
  // nothing changes (on Bun it was 8% of a small-call host's time).
  if (oob.items.length !== 0) oob.items.length = 0;
  oob.copied = 0;
}

/**
 * Ends one message's encoding: takes the items it collected out of `oob` (which is reused for the
 * next message) and forgets its transfer set.
 * @returns The items, or undefined when there were none.
 */
export function takeItems(oob: OutOfBand): unknown[] | undefined {
  const items = oob.items.length === 0 ? undefined : oob.items.slice();
  clearItems(oob);
  oob.transfer = undefined;
  return items;
}
