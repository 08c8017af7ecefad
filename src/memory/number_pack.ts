/**
 * Packed numbers: the numbers a synchronous generator yields in a row travel several to a mailbox
 * slot, as raw int32 or float64 in the slot's inline bytes, instead of one encoded message each.
 * A stream of small numbers then costs one slot write, one slot read and one header per
 * `INT32S_PER_SLOT` items (callgrind, a stream of numbers on Node 24: 3,124 -> 2,391 instructions
 * per item).
 *
 * The response status says which kind a slot holds (`ResponseStatus.YIELD_INT32S`,
 * `YIELD_FLOAT64S`) and the message length how many: no header, no tag. Each number is one item
 * of the stream, as if it had come alone; the window counts it as `bytesPerNumber(status)` bytes
 * on both sides. Both ends run in one process, so the numbers keep the machine's byte order.
 *
 * ```
 * slot inline bytes:  [n0 n1 n2 ... ]   int32: 4 bytes each, float64: 8 bytes each
 * length = count * bytesPerNumber(status)
 * ```
 *
 * @module
 */

import { INLINE_BYTES, ResponseStatus } from "./layout.ts";

/** Int32 numbers that fit one slot. */
export const INT32S_PER_SLOT = INLINE_BYTES / Int32Array.BYTES_PER_ELEMENT;
/** Float64 numbers that fit one slot. */
export const FLOAT64S_PER_SLOT = INLINE_BYTES / Float64Array.BYTES_PER_ELEMENT;

/** True for the statuses of packed numbers (never an answer). */
export function isPacked(status: number): boolean {
  return status === ResponseStatus.YIELD_INT32S || status === ResponseStatus.YIELD_FLOAT64S;
}

/** Bytes one number of a packed slot takes (and counts against the window). */
export function bytesPerNumber(status: number): number {
  return status === ResponseStatus.YIELD_INT32S
    ? Int32Array.BYTES_PER_ELEMENT
    : Float64Array.BYTES_PER_ELEMENT;
}

/**
 * The packed status `value` travels under: int32 for integers that an int32 holds exactly (not
 * -0, which would come back as 0), float64 for every other number, 0 for anything else.
 */
export function packStatus(value: unknown): number {
  if (typeof value !== "number") return 0;
  // `(v | 0) === v` is false for NaN, fractions and integers outside int32; 1 / -0 is -Infinity.
  if ((value | 0) === value && (value !== 0 || 1 / value > 0)) return ResponseStatus.YIELD_INT32S;
  return ResponseStatus.YIELD_FLOAT64S;
}

/**
 * The numbers of one call waiting to go out in one slot. Single owner: the worker loop.
 *
 * ```
 * empty --add--> filling --add (same call, same kind, room)--> filling
 *                   |  take (full, other call or kind, or a flush)
 *                   v
 *                 empty
 * ```
 */
export class NumberPacker {
  /** The call whose numbers wait, or -1 when none do. */
  id = -1;
  /** Their packed status, or 0 when none wait. */
  status = 0;
  /** Numbers waiting. */
  count = 0;
  readonly #buffer = new ArrayBuffer(INLINE_BYTES);
  readonly #i32 = new Int32Array(this.#buffer);
  readonly #f64 = new Float64Array(this.#buffer);
  /** The waiting numbers' bytes (the first `length` of them). */
  readonly bytes = new Uint8Array(this.#buffer);

  /** Numbers of the waiting kind that fit one slot (set with the first of them). */
  #capacity = 0;

  /** True when no more numbers fit. */
  get full(): boolean {
    // A field, not a test of the status: this getter runs once per yielded number.
    return this.count === this.#capacity;
  }

  /** Bytes the waiting numbers take. */
  get length(): number {
    return this.count * bytesPerNumber(this.status);
  }

  /**
   * Adds `value` (of packed status `status`) for call `id`.
   * @returns false when it does not belong with the numbers waiting (another call or kind, or no
   *   room): take those first, then add again.
   */
  add(id: number, status: number, value: number): boolean {
    if (this.count === 0) {
      this.id = id;
      this.status = status;
      this.#capacity = status === ResponseStatus.YIELD_INT32S ? INT32S_PER_SLOT : FLOAT64S_PER_SLOT;
    } else if (id !== this.id || status !== this.status) return false;
    if (this.count === this.#capacity) return false;
    if (status === ResponseStatus.YIELD_INT32S) this.#i32[this.count++] = value;
    else this.#f64[this.count++] = value;
    return true;
  }

  /** Empties the pack (after its bytes were written out). */
  clear(): void {
    this.id = -1;
    this.status = 0;
    this.count = 0;
  }
}

/** The numbers of one packed slot, as a reader hands them over (valid until its next slot). */
export interface PackedNumbers {
  /** Numbers in the slot. */
  readonly count: number;
  /** Bytes each number counts against the window. */
  readonly bytesEach: number;
  /** Number `k` of the slot (`k` below `count`). */
  value(k: number): number;
}

/**
 * Reads packed numbers out of a mailbox region's slots. It is itself the `PackedNumbers` of the
 * slot it was last pointed at: one reader per lane, and no object per slot.
 */
export class PackReader implements PackedNumbers {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  count = 0;
  bytesEach = 0;
  /** Index of the slot's first number in the view of its kind; whether that is `#i32`. */
  #first = 0;
  #int32 = true;

  /** @param region The control region the slots sit in. */
  constructor(region: SharedArrayBuffer) {
    this.#i32 = new Int32Array(region);
    // The region's length need not be a multiple of 8: view only the whole doubles.
    this.#f64 = new Float64Array(region, 0, Math.floor(region.byteLength / 8));
  }

  /**
   * Points the reader at the packed slot of `length` bytes under `status` whose inline bytes
   * start at byte `at` of the region (a multiple of 8: slots and their headers are).
   */
  slot(status: number, at: number, length: number): PackedNumbers {
    this.bytesEach = bytesPerNumber(status);
    this.count = length / this.bytesEach;
    this.#int32 = status === ResponseStatus.YIELD_INT32S;
    this.#first = this.#int32 ? at >> 2 : at >> 3;
    return this;
  }

  value(k: number): number {
    return this.#int32 ? this.#i32[this.#first + k] : this.#f64[this.#first + k];
  }
}
