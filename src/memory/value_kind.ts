/**
 * Sorts the objects that are not arrays, plain objects or views into what the encoder does with
 * them: a built-in it copies, a class instance it sends as a plain object, or something it
 * refuses (and why).
 *
 * @module
 */

import { describe, Uncloneable } from "./uncloneable.ts";

/** What an object with a given prototype is; cached per prototype (see {@linkcode kindOf}). */
export const Kind = {
  /** A class instance without internal slots: sent as a plain object. */
  PLAIN: 0,
  ARRAYBUFFER: 1,
  DATE: 2,
  REGEXP: 3,
  MAP: 4,
  SET: 5,
  ERROR: 6,
  DOM_EXCEPTION: 7,
  NUMBER: 8,
  STRING: 9,
  BOOLEAN: 10,
  BIGINT: 11,
  /** Refused: see {@linkcode refusal}. Not cached. */
  REFUSED: 12,
} as const;

/**
 * The kind by prototype. `instanceof` depends only on the prototype chain, so the answer for one
 * object holds for every object with the same prototype; class instances then cost one lookup
 * instead of a dozen `instanceof` tests.
 */
const kindByProto = new WeakMap<object, number>();

export function kindOf(value: object, proto: object): number {
  const cached = kindByProto.get(proto);
  if (cached !== undefined) return cached;
  const kind = value instanceof ArrayBuffer
    ? Kind.ARRAYBUFFER
    : value instanceof Date
    ? Kind.DATE
    : value instanceof RegExp
    ? Kind.REGEXP
    : value instanceof Map
    ? Kind.MAP
    : value instanceof Set
    ? Kind.SET
    : typeof DOMException === "function" && value instanceof DOMException
    ? Kind.DOM_EXCEPTION
    : value instanceof Error
    ? Kind.ERROR
    : value instanceof Number
    ? Kind.NUMBER
    : value instanceof String
    ? Kind.STRING
    : value instanceof Boolean
    ? Kind.BOOLEAN
    : value instanceof BigInt
    ? Kind.BIGINT
    : refusal(value) !== undefined
    ? Kind.REFUSED
    : Kind.PLAIN;
  if (kind !== Kind.REFUSED) kindByProto.set(proto, kind);
  return kind;
}

/** Built-ins that hold state `structuredClone` cannot copy, or that weft does not send yet. */
const REFUSED_CLASSES = [
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "Promise",
  "Symbol",
  "MessagePort",
  "MessageChannel",
  "BroadcastChannel",
  "Worker",
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "Request",
  "Response",
  "Headers",
  "FormData",
  "URL",
  "URLSearchParams",
  "AbortController",
  "AbortSignal",
  "Event",
  "EventTarget",
  "WebSocket",
  "CryptoKey",
  "ImageBitmap",
  "ImageData",
  "OffscreenCanvas",
  "FileList",
];

/** Why `value` cannot be sent, or undefined when nothing refuses it. */
export function refusal(value: object): Uncloneable | undefined {
  const g = globalThis as unknown as Record<string, unknown>;
  if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) {
    return new Uncloneable("a SharedArrayBuffer", "which is not supported yet");
  }
  if (typeof g.Blob === "function" && value instanceof (g.Blob as typeof Blob)) {
    return new Uncloneable(
      describe(value),
      "which weft cannot send yet: send the bytes of `await blob.arrayBuffer()` instead",
    );
  }
  for (const name of REFUSED_CLASSES) {
    const ctor = g[name];
    if (typeof ctor === "function" && value instanceof ctor) {
      return new Uncloneable(describe(value));
    }
  }
  return undefined;
}
