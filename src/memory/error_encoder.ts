/**
 * Encodes errors: an `ERROR` with its class names, name, message, stack, `cause`, an
 * `AggregateError`'s `errors` and its own enumerable properties (such as `code`), and a
 * `DOM_EXCEPTION` with its name, message and stack.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
import type { EncodeChild, EncodeState } from "./encode_state.ts";
import { BUILT_IN_CLASSES, builtInIndexOf, errorClassNames } from "./error_classes.ts";
import { encodeFields } from "./field_encoder.ts";
import { writeString } from "./primitive_encoder.ts";
import { ErrorFlag, Tag } from "./tags.ts";
import { describe, Uncloneable, withSegment } from "./uncloneable.ts";

/** Own properties an error carries in its header rather than among its fields. */
function isErrorHeaderKey(key: string, hasErrors: boolean): boolean {
  return key === "message" || key === "stack" || key === "cause" ||
    (hasErrors && key === "errors");
}

/**
 * A name or an own message as a string, as `structuredClone` converts it; a symbol, which has no
 * string form, is refused there as here.
 * @throws {Uncloneable} When `value` is a symbol.
 */
function stringOf(value: unknown, segment: string): string {
  if (typeof value === "symbol") throw withSegment(new Uncloneable(describe(value)), segment);
  return String(value);
}

/** Encodes `err`; `encode` encodes its `cause`, its `errors` and its fields. */
export function encodeError(st: EncodeState, err: Error, encode: EncodeChild): void {
  const w = st.w;
  const builtIn = builtInIndexOf(Object.getPrototypeOf(err));
  const rawName = err.name;
  const name = typeof rawName === "string" ? rawName : stringOf(rawName, ".name");
  const message = Object.hasOwn(err, "message") ? stringOf(err.message, ".message") : err.message;
  // structuredClone reads an own cause only when it is a data property: an accessor is passed
  // over, its getter not run.
  const cause = Object.hasOwn(err, "cause")
    ? Object.getOwnPropertyDescriptor(err, "cause")
    : undefined;
  const stack = err.stack;
  const hasCause = cause !== undefined && "value" in cause;
  const hasErrors = err instanceof AggregateError && Object.hasOwn(err, "errors");
  let flags = 0;
  // An inherited message is sent only when it says something; the rebuilt error then owns it.
  if (typeof message === "string" && (message !== "" || Object.hasOwn(err, "message"))) {
    flags |= ErrorFlag.MESSAGE;
  }
  if (typeof stack === "string") flags |= ErrorFlag.STACK;
  if (hasCause) flags |= ErrorFlag.CAUSE;
  if (hasErrors) flags |= ErrorFlag.ERRORS;
  // Most errors are of a built-in class and named after it: one byte for the three names.
  if (builtIn !== -1 && name === BUILT_IN_CLASSES[builtIn].name) flags |= ErrorFlag.BUILT_IN;
  w.u8(Tag.ERROR);
  w.u8(flags);
  if (flags & ErrorFlag.BUILT_IN) {
    w.u8(builtIn);
  } else {
    const names = errorClassNames(err);
    writeString(w, names.own);
    writeString(w, names.base);
    writeString(w, name);
  }
  if (flags & ErrorFlag.MESSAGE) writeString(w, message);
  if (flags & ErrorFlag.STACK) writeString(w, stack as string);
  if (hasCause) {
    try {
      encode(st, cause!.value);
    } catch (e) {
      throw withSegment(e, ".cause");
    }
  }
  if (hasErrors) {
    try {
      encode(st, (err as AggregateError).errors);
    } catch (e) {
      throw withSegment(e, ".errors");
    }
  }
  let keys = Object.keys(err);
  // Most errors have no enumerable own property: no filtering, and no closure for it.
  if (keys.length > 0) keys = keys.filter((key) => !isErrorHeaderKey(key, hasErrors));
  w.u32(keys.length);
  encodeFields(st, err, keys, 0, encode);
}

export function encodeDomException(w: ByteWriter, err: DOMException): void {
  const stack = (err as { stack?: unknown }).stack;
  w.u8(Tag.DOM_EXCEPTION);
  w.u8(typeof stack === "string" ? 1 : 0);
  writeString(w, String(err.name));
  writeString(w, String(err.message));
  if (typeof stack === "string") writeString(w, stack);
}
