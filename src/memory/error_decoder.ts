/**
 * Decodes errors, the reverse of `error_encoder.ts`: an `ERROR` rebuilt with the sender's class
 * (when registered here), name, message, stack, `cause`, `errors` and own fields, and a
 * `DOMException`. The value decoder hands in its own readers (see {@linkcode DecodeChild}).
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import { builtInErrorClass, type ErrorClass, registeredErrorClass } from "./error_classes.ts";
import { ErrorFlag } from "./tags.ts";

/** The value decoder's readers that an error's parts go through. */
export interface DecodeChild {
  /** Decodes any value, with the message's reference table. */
  value(r: ByteReader, refs: unknown[]): unknown;
  /** Reads a `STRING` or `STRING16`. */
  string(r: ByteReader): string;
  /** Reads `n` fields (key, value) onto `target`. */
  fields<T extends object>(r: ByteReader, refs: unknown[], target: T, n: number): T;
}

type ErrorStatics = { stackTraceLimit?: number };

/**
 * Constructs an error; when the sender's stack will replace its own, without capturing one (the
 * capture costs more than the rest of decoding an error, and its result is thrown away).
 */
function constructError(
  Base: ErrorClass,
  args: unknown[],
  Class: ErrorClass,
  hasStack: boolean,
): Error {
  const statics = Error as ErrorStatics;
  const limit = statics.stackTraceLimit;
  if (!hasStack || typeof limit !== "number" || !Reflect.set(statics, "stackTraceLimit", 0)) {
    return Reflect.construct(Base, args, Class);
  }
  try {
    return Reflect.construct(Base, args, Class);
  } finally {
    statics.stackTraceLimit = limit;
  }
}

/**
 * The descriptor `defineHidden` fills in: one object for every definition (a descriptor is read
 * during the call and not kept), so that an error's `stack` and `cause` allocate nothing.
 */
const hidden: PropertyDescriptor = { value: undefined, writable: true, configurable: true };

/** Defines a non-enumerable own data property, as the Error constructors do. */
function defineHidden(target: object, key: string, value: unknown): void {
  hidden.value = value;
  Object.defineProperty(target, key, hidden);
  // Drops the reference, so the descriptor keeps no decoded value alive.
  hidden.value = undefined;
}

/** Decodes an `ERROR` (its tag read), reading its parts through `child`. */
export function decodeError(r: ByteReader, refs: unknown[], child: DecodeChild): Error {
  const flags = r.u8();
  const own = child.string(r);
  const base = child.string(r);
  const name = child.string(r);
  const message = flags & ErrorFlag.MESSAGE ? child.string(r) : undefined;
  const stack = flags & ErrorFlag.STACK ? child.string(r) : undefined;
  const Base = builtInErrorClass(base) ?? Error;
  const Class = registeredErrorClass(own) ?? Base;
  // Constructing the built-in base with the class as new.target gives the class's prototype and
  // the engine's own error kind, without running the user's constructor (which may need
  // arguments we do not have). AggregateError takes its errors first.
  const args = message === undefined ? [] : [message];
  const err: Error = constructError(
    Base,
    Base === AggregateError ? [[], ...args] : args,
    Class,
    stack !== undefined,
  );
  if (Base === AggregateError && !(flags & ErrorFlag.ERRORS)) {
    delete (err as { errors?: unknown }).errors;
  }
  refs.push(err);
  if (stack !== undefined) defineHidden(err, "stack", stack);
  if (flags & ErrorFlag.CAUSE) defineHidden(err, "cause", child.value(r, refs));
  if (flags & ErrorFlag.ERRORS) defineHidden(err, "errors", child.value(r, refs));
  child.fields(r, refs, err, r.u32());
  if (err.name !== name) defineHidden(err, "name", name);
  return err;
}

/** Decodes a `DOM_EXCEPTION` (its tag read), reading its strings through `child`. */
export function decodeDomException(r: ByteReader, refs: unknown[], child: DecodeChild): Error {
  const hasStack = r.u8() === 1;
  const name = child.string(r);
  const message = child.string(r);
  const err = new DOMException(message, name);
  refs.push(err);
  if (hasStack) {
    const stack = child.string(r);
    // Some runtimes keep a DOMException's stack in a non-configurable slot; losing the sender's
    // stack there is harmless, so a refused definition is ignored.
    Reflect.defineProperty(err, "stack", { value: stack, writable: true, configurable: true });
  }
  return err;
}
