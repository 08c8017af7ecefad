/**
 * `transfer()`: return a task result whose buffers move to the host without a copy.
 *
 * @module
 */

import { TransferResult } from "./worker/transfer_result.ts";

/**
 * Marks a task's result so that the listed `ArrayBuffer`s move back to the host instead of being
 * copied (as with `postMessage`'s transfer list): the worker's buffers are detached. Return the
 * marked value straight from the task; the caller receives `value` itself. (To move buffers the
 * other way, pass `{ transfer: [buffer] }` as the call's options.)
 *
 * @param value The result.
 * @param list `ArrayBuffer`s inside `value` to move.
 * @returns `value`, marked (typed as `value` so the task's result type stays the same).
 * @throws {TypeError} When `list` is not an array of `ArrayBuffer`s.
 *
 * @example
 * ```ts
 * import { task, transfer } from "@weft/weft";
 *
 * export const render = task({
 *   f: (size: number) => {
 *     const pixels = new Uint8Array(size);
 *     return transfer(pixels, [pixels.buffer]);
 *   },
 * });
 * ```
 */
export function transfer<T>(value: T, list: ArrayBuffer[]): T {
  checkTransferList("mark result for transfer", list);
  return new TransferResult(value, list) as unknown as T;
}

/**
 * Checks a transfer list.
 * @throws {TypeError} When it is not an array of `ArrayBuffer`s.
 */
export function checkTransferList(action: string, list: unknown): void {
  if (!Array.isArray(list) || !list.every((item) => item instanceof ArrayBuffer)) {
    throw new TypeError(
      `Cannot ${action}: transfer must be an array of ArrayBuffers, received ${
        Array.isArray(list) ? `an array holding ${list.map((i) => typeof i).join(", ")}` : list
      }`,
    );
  }
}
