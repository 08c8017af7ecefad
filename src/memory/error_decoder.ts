/**
 * Decodes errors, the reverse of `error_encoder.ts`: an `ERROR` rebuilt with the sender's class
 * (when registered here), name, message, stack, `cause`, `errors` and own fields, and a
 * `DOMException`. The value decoder hands in its own readers (see {@linkcode DecodeChild}).
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import {
  BUILT_IN_CLASSES,
  builtInErrorClass,
  type ErrorClass,
  registeredErrorClass,
} from "./error_classes.ts";
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
 * Constructs `Base` with `args` and `Class` as new.target, with `Error.stackTraceLimit` at 0 so
 * that it captures no stack (the capture costs more than the rest of decoding an error, and its
 * result is thrown away). No callback: this runs once per decoded error.
 */
function constructWithoutStack(Base: ErrorClass, args: unknown[], Class: ErrorClass): Error {
  const statics = Error as ErrorStatics;
  const limit = statics.stackTraceLimit;
  if (typeof limit !== "number" || !Reflect.set(statics, "stackTraceLimit", 0)) {
    return Reflect.construct(Base, args, Class);
  }
  try {
    return Reflect.construct(Base, args, Class);
  } finally {
    statics.stackTraceLimit = limit;
  }
}

/** Blank errors of one built-in class, and structured clones of them waiting to be taken. */
interface Blanks {
  readonly templates: Error[];
  ready: (Error | undefined)[];
  at: number;
}

/** Blank errors cloned at once: one `structuredClone` call for this many errors. */
const CLONE_BATCH = 64;
/** The classes `structuredClone` keeps (it sends any other error as an `Error`). */
const CLONEABLE = new Set<ErrorClass>([
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
]);
const blanks = new Map<ErrorClass, Blanks>();
/** The same with an own `cause` (undefined) in the templates, for errors that have one. */
const blanksWithCause = new Map<ErrorClass, Blanks>();
let cloning = false;

/**
 * The options that make an error constructor give the error an own, non-enumerable `cause`,
 * which the decoded cause then replaces by assignment: cheaper than a definition afterwards
 * (Node 24: 381 against 442 ns an error, Bun 105 against 122).
 */
const WITH_CAUSE = Object.freeze({ cause: undefined });

/**
 * Makes this thread's decoder build errors of the built-in classes from structured clones of
 * blank ones, for a runtime where constructing an error costs far more than cloning one (Deno
 * 2.9 records a trace of its own for every constructed error, whatever `stackTraceLimit` says:
 * 2.1 µs a `new Error` against 0.85 µs a clone, taken 64 at a time). A clone is an engine error
 * like a constructed one; elsewhere constructing is cheaper (Node 24: 0.56 against 0.81 µs).
 */
export function cloneErrorsOnDecode(on: boolean): void {
  cloning = on;
}

/**
 * A fresh blank error of `Base` (message `""`, the template's stack, and an own `cause` when
 * `withCause`), from the next clone.
 */
function blank(Base: ErrorClass, withCause: boolean): Error {
  const set = withCause ? blanksWithCause : blanks;
  let entry = set.get(Base);
  if (entry === undefined) {
    const args = withCause ? ["", WITH_CAUSE] : [""];
    const templates = Array.from(
      { length: CLONE_BATCH },
      () => constructWithoutStack(Base, args, Base),
    );
    entry = { templates, ready: [], at: 0 };
    set.set(Base, entry);
  }
  if (entry.at === entry.ready.length) {
    entry.ready = structuredClone(entry.templates);
    entry.at = 0;
  }
  const err = entry.ready[entry.at] as Error;
  // Taken: the batch must not keep it alive.
  entry.ready[entry.at++] = undefined;
  return err;
}

/**
 * Whether an error's `stack` can be set by assignment and stay non-enumerable: true where the
 * engine gives every error an own `stack` accessor (V8), false where an error built without a
 * trace has no `stack` of its own, so an assignment would add an enumerable one (JavaScriptCore).
 * Assigning through V8's accessor costs less than a definition (Node 24: 0.54 against 0.83 µs an
 * error, definition of `cause` included).
 */
let stackAccessor: boolean | undefined;

function hasStackAccessor(): boolean {
  if (stackAccessor === undefined) {
    const probe = constructWithoutStack(Error, [""], Error);
    const d = Object.getOwnPropertyDescriptor(probe, "stack");
    stackAccessor = d !== undefined && typeof d.set === "function" && d.enumerable === false;
  }
  return stackAccessor;
}

/**
 * Constructs an error without capturing a stack (the sender's, when it sent one, is set after),
 * and where the runtime asks for it, from a clone (see {@linkcode cloneErrorsOnDecode}).
 */
function constructError(
  Base: ErrorClass,
  message: string | undefined,
  Class: ErrorClass,
  stack: string | undefined,
  withCause: boolean,
): Error {
  let err: Error;
  if (
    stack !== undefined && cloning && Class === Base && message !== undefined && CLONEABLE.has(Base)
  ) {
    err = blank(Base, withCause);
    err.message = message;
  } else {
    const args: unknown[] = withCause
      ? [message, WITH_CAUSE]
      : message === undefined
      ? []
      : [message];
    // AggregateError takes its errors first.
    if (Base === AggregateError) args.unshift([]);
    // Without the sender's stack too: a trace of its own would show the decoder's frames, where
    // structured clone gives an error without a stack (V8: an own `stack` that is undefined).
    err = constructWithoutStack(Base, args, Class);
  }
  if (hasStackAccessor()) err.stack = stack;
  else if (stack !== undefined) defineHidden(err, "stack", stack);
  return err;
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
  let Base: ErrorClass;
  let own: string;
  let name: string;
  if (flags & ErrorFlag.BUILT_IN) {
    const index = r.u8();
    if (index >= BUILT_IN_CLASSES.length) {
      throw new TypeError(`Cannot decode value: unknown built-in error class, received ${index}`);
    }
    Base = BUILT_IN_CLASSES[index];
    own = name = Base.name;
  } else {
    own = child.string(r);
    Base = builtInErrorClass(child.string(r)) ?? Error;
    name = child.string(r);
  }
  const message = flags & ErrorFlag.MESSAGE ? child.string(r) : undefined;
  const stack = flags & ErrorFlag.STACK ? child.string(r) : undefined;
  const Class = registeredErrorClass(own) ?? Base;
  // Constructing the built-in base with the class as new.target gives the class's prototype and
  // the engine's own error kind, without running the user's constructor (which may need
  // arguments we do not have).
  const err = constructError(Base, message, Class, stack, (flags & ErrorFlag.CAUSE) !== 0);
  if (Base === AggregateError && !(flags & ErrorFlag.ERRORS)) {
    delete (err as { errors?: unknown }).errors;
  }
  refs.push(err);
  if (flags & ErrorFlag.CAUSE) {
    const cause = child.value(r, refs);
    // The constructor or the template gave it an own, hidden `cause` (see WITH_CAUSE); a clone
    // that dropped it gets a definition.
    if (Object.hasOwn(err, "cause")) err.cause = cause;
    else defineHidden(err, "cause", cause);
  }
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
  } else if (Object.hasOwn(err, "stack")) {
    // Sent without one: not the trace the constructor just took of the decoder's frames.
    Reflect.defineProperty(err, "stack", { value: undefined, writable: true, configurable: true });
  }
  return err;
}
