/**
 * The array-buffer view classes the codec carries, by their wire kind (`ViewKind` in `tags.ts`).
 * `Float16Array` is included only where the runtime has it.
 *
 * @module
 */

import { ViewKind } from "./tags.ts";

/**
 * A constructor of any typed array or of `DataView`, called as `new C(buffer, offset, length)`,
 * or without the length for a view that tracks its resizable buffer's.
 */
export type ViewConstructor = new (
  buffer: ArrayBuffer,
  byteOffset: number,
  length?: number,
) => ArrayBufferView;

const float16 = (globalThis as { Float16Array?: ViewConstructor }).Float16Array;

/** Constructors indexed by `ViewKind`; `undefined` for a kind this runtime lacks. */
export const VIEW_CONSTRUCTORS: readonly (ViewConstructor | undefined)[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  float16,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
] as ViewConstructor[];

const KIND_BY_TAG: Record<string, number> = {
  Int8Array: ViewKind.INT8,
  Uint8Array: ViewKind.UINT8,
  Uint8ClampedArray: ViewKind.UINT8_CLAMPED,
  Int16Array: ViewKind.INT16,
  Uint16Array: ViewKind.UINT16,
  Int32Array: ViewKind.INT32,
  Uint32Array: ViewKind.UINT32,
  Float16Array: ViewKind.FLOAT16,
  Float32Array: ViewKind.FLOAT32,
  Float64Array: ViewKind.FLOAT64,
  BigInt64Array: ViewKind.BIGINT64,
  BigUint64Array: ViewKind.BIGUINT64,
};

/**
 * The kind of a view, or -1 for a view class the codec does not know.
 * @param view Any value for which `ArrayBuffer.isView` holds.
 */
export function viewKindOf(view: ArrayBufferView): number {
  if (view instanceof DataView) return ViewKind.DATA_VIEW;
  // The %TypedArray% toStringTag getter reads the internal slot, so it names the built-in class
  // even for subclasses such as Node's Buffer.
  const tag = (view as unknown as Record<symbol, unknown>)[Symbol.toStringTag];
  return typeof tag === "string" && Object.hasOwn(KIND_BY_TAG, tag) ? KIND_BY_TAG[tag] : -1;
}
