/**
 * The value codec: turns a value into bytes with {@linkcode encodeValue} and back with
 * {@linkcode decodeValue}. The transport moves the bytes and never looks inside, so adding a type
 * touches only this file and `tags.ts`.
 *
 * Values that cannot cross (functions, symbols, `WeakMap`, ...) make `encodeValue` throw a
 * `TypeError` that names where the value sits, such as `arg.user.onSave`.
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { Tag } from "./tags.ts";

/** Thrown inside the encoder; carries the path to the offending value back up the recursion. */
class Uncloneable {
  path: string[] = [];
  what: string;
  constructor(what: string) {
    this.what = what;
  }
}

function describe(value: unknown): string {
  if (typeof value === "function") {
    return `a function${value.name ? ` (${value.name})` : ""}`;
  }
  if (typeof value === "symbol") return `a symbol (${String(value.description ?? "")})`;
  const name = (value as object).constructor?.name;
  return name ? `a ${name}` : "an object that cannot be cloned";
}

function formatPath(root: string, path: string[]): string {
  let out = root;
  for (const key of path) {
    out += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * Encodes `value` at the end of `w`.
 * @param root How the value is named in errors (`arg`, `result`).
 * @throws {TypeError} When the value, or anything inside it, cannot cross a thread boundary.
 */
export function encodeValue(w: ByteWriter, value: unknown, root = "value"): void {
  try {
    encode(w, value);
  } catch (err) {
    if (err instanceof Uncloneable) {
      throw new TypeError(
        `Cannot send ${root}: ${
          formatPath(root, err.path)
        } is ${err.what}, which cannot cross to a worker`,
      );
    }
    throw err;
  }
}

function encode(w: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case "number":
      if ((value | 0) === value && !Object.is(value, -0)) {
        w.u8(Tag.INT32);
        w.i32(value);
      } else {
        w.u8(Tag.FLOAT64);
        w.f64(value);
      }
      return;
    case "string":
      w.u8(Tag.STRING);
      w.string(value);
      return;
    case "boolean":
      w.u8(value ? Tag.TRUE : Tag.FALSE);
      return;
    case "undefined":
      w.u8(Tag.UNDEFINED);
      return;
    case "bigint":
      encodeBigInt(w, value);
      return;
    case "object":
      if (value === null) {
        w.u8(Tag.NULL);
        return;
      }
      encodeObject(w, value);
      return;
    default:
      throw new Uncloneable(describe(value));
  }
}

function encodeBigInt(w: ByteWriter, value: bigint): void {
  const negative = value < 0n;
  let rest = negative ? -value : value;
  const words: number[] = [];
  while (rest > 0n) {
    words.push(Number(rest & 0xffffffffn));
    rest >>= 32n;
  }
  w.u8(Tag.BIGINT);
  w.u8(negative ? 1 : 0);
  w.u32(words.length);
  for (const word of words) w.u32(word);
}

function withKey(key: string | number, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof Uncloneable) err.path.unshift(String(key));
    throw err;
  }
}

function encodeObject(w: ByteWriter, value: object): void {
  if (Array.isArray(value)) {
    w.u8(Tag.ARRAY);
    w.u32(value.length);
    for (let i = 0; i < value.length; i++) withKey(i, () => encode(w, value[i]));
    return;
  }
  if (value instanceof Uint8Array) {
    w.u8(Tag.UINT8ARRAY);
    w.u32(value.byteLength);
    w.raw(value);
    return;
  }
  if (value instanceof ArrayBuffer) {
    w.u8(Tag.ARRAYBUFFER);
    w.u32(value.byteLength);
    w.raw(new Uint8Array(value));
    return;
  }
  if (value instanceof Error) {
    encodeError(w, value);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !isPlainClassInstance(value)) {
    throw new Uncloneable(describe(value));
  }
  w.u8(Tag.OBJECT);
  encodeFields(w, value, undefined);
}

/** Class instances with no internal slots cross as plain objects, as `structuredClone` does. */
function isPlainClassInstance(value: object): boolean {
  return !(value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise ||
    (typeof WeakRef !== "undefined" && value instanceof WeakRef) ||
    value instanceof Map || value instanceof Set || value instanceof Date ||
    value instanceof RegExp || ArrayBuffer.isView(value) ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer));
}

const ERROR_OWN_SKIPPED = new Set(["name", "message", "stack", "cause"]);

function encodeFields(w: ByteWriter, value: object, skip: Set<string> | undefined): void {
  const keys = Object.keys(value);
  let count = keys.length;
  if (skip) { for (const key of keys) if (skip.has(key)) count--; }
  w.u32(count);
  for (const key of keys) {
    if (skip?.has(key)) continue;
    w.string(key);
    withKey(key, () => encode(w, (value as Record<string, unknown>)[key]));
  }
}

function encodeError(w: ByteWriter, err: Error): void {
  w.u8(Tag.ERROR);
  w.string(String(err.name));
  w.string(String(err.message));
  w.string(typeof err.stack === "string" ? err.stack : "");
  const hasCause = Object.hasOwn(err, "cause");
  w.u8(hasCause ? 1 : 0);
  if (hasCause) withKey("cause", () => encode(w, err.cause));
  encodeFields(w, err, ERROR_OWN_SKIPPED);
}

/** Decodes one value from `r`, advancing it past the value. */
export function decodeValue(r: ByteReader): unknown {
  const tag = r.u8();
  switch (tag) {
    case Tag.UNDEFINED:
      return undefined;
    case Tag.NULL:
      return null;
    case Tag.FALSE:
      return false;
    case Tag.TRUE:
      return true;
    case Tag.INT32:
      return r.i32();
    case Tag.FLOAT64:
      return r.f64();
    case Tag.STRING:
      return r.string();
    case Tag.BIGINT:
      return decodeBigInt(r);
    case Tag.ARRAY: {
      const n = r.u32();
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = decodeValue(r);
      return out;
    }
    case Tag.OBJECT:
      return decodeFields(r, {});
    case Tag.UINT8ARRAY:
      return r.copy(r.u32());
    case Tag.ARRAYBUFFER:
      return r.copy(r.u32()).buffer;
    case Tag.ERROR:
      return decodeError(r);
    default:
      throw new TypeError(`Cannot decode value: unknown tag, received ${tag}`);
  }
}

function decodeBigInt(r: ByteReader): bigint {
  const negative = r.u8() === 1;
  const n = r.u32();
  let out = 0n;
  for (let i = 0; i < n; i++) out |= BigInt(r.u32()) << BigInt(32 * i);
  return negative ? -out : out;
}

function decodeFields<T extends object>(r: ByteReader, target: T): T {
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const key = r.string();
    const value = decodeValue(r);
    if (key === "__proto__") {
      Object.defineProperty(target, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      (target as Record<string, unknown>)[key] = value;
    }
  }
  return target;
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

function decodeError(r: ByteReader): Error {
  const name = r.string();
  const message = r.string();
  const stack = r.string();
  const hasCause = r.u8() === 1;
  const cause = hasCause ? decodeValue(r) : undefined;
  const Ctor = Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name] : Error;
  const err = hasCause ? new Ctor(message, { cause }) : new Ctor(message);
  if (err.name !== name) {
    Object.defineProperty(err, "name", { value: name, writable: true, configurable: true });
  }
  Object.defineProperty(err, "stack", { value: stack, writable: true, configurable: true });
  return decodeFields(r, err);
}
