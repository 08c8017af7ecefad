/**
 * A task result marked to move its buffers back to the host instead of copying them; made by the
 * public `transfer()`, recognised by the worker loop.
 *
 * @module
 */

/** A value plus the `ArrayBuffer`s inside it to move rather than copy. */
export class TransferResult {
  readonly value: unknown;
  readonly list: ReadonlySet<ArrayBuffer>;

  constructor(value: unknown, list: readonly ArrayBuffer[]) {
    this.value = value;
    this.list = new Set(list);
  }
}
