/**
 * Sorts the objects that are not arrays, plain objects or views into what the encoder does with
 * them: a built-in it copies, a class instance it sends as a plain object, or something it
 * refuses (and why).
 *
 * @module
 */

import { describe, Uncloneable, withArticle } from "./uncloneable.ts";

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
  "DisposableStack",
  "AsyncDisposableStack",
  "ShadowRealm",
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
  "URLPattern",
  "TextEncoder",
  "TextDecoder",
  "TextEncoderStream",
  "TextDecoderStream",
  "PerformanceEntry",
  "HTMLRewriter",
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

/**
 * Prototypes of built-ins whose state lives in internal slots that structured clone refuses, and
 * that would otherwise cross as empty objects: generators, the built-in iterators, and the
 * objects of `Intl` and `Temporal`. Made on first use.
 */
let slotted: object[] | undefined;

function slottedPrototypes(): object[] {
  const protos: unknown[] = [
    Object.getPrototypeOf(function* () {}).prototype,
    Object.getPrototypeOf(async function* () {}).prototype,
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf("".matchAll(/(?:)/g)),
  ];
  const values = [][Symbol.iterator]() as { map?: (f: () => void) => object };
  // Iterator helpers, where the runtime has them: a helper, and a wrapped foreign iterator.
  if (typeof values.map === "function") protos.push(Object.getPrototypeOf(values.map(() => {})));
  const from = (globalThis as { Iterator?: { from?: (it: object) => object } }).Iterator?.from;
  if (typeof from === "function") protos.push(Object.getPrototypeOf(from({ next() {} })));
  const g = globalThis as unknown as Record<string, Record<string, unknown> | undefined>;
  for (const space of [g.Intl, g.Temporal]) {
    if (space === undefined) continue;
    for (const name of Object.getOwnPropertyNames(space)) {
      const ctor = space[name];
      if (typeof ctor === "function" && typeof ctor.prototype === "object") {
        protos.push(ctor.prototype);
      }
    }
  }
  return protos.filter((p): p is object => typeof p === "object" && p !== null);
}

/** Names a slotted built-in by its tag: `a Generator`, `an Intl.NumberFormat`. */
function describeSlotted(value: object): string {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag !== "string" || tag === "") return describe(value);
  return withArticle(tag);
}

/** Why `value` cannot be sent, or undefined when nothing refuses it. */
export function refusal(value: object): Uncloneable | undefined {
  for (const proto of slotted ??= slottedPrototypes()) {
    if (Object.prototype.isPrototypeOf.call(proto, value)) {
      return new Uncloneable(describeSlotted(value));
    }
  }
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
