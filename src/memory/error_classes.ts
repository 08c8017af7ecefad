/**
 * Which class an error is rebuilt as after it crosses: the built-in error classes, plus the
 * user's classes registered with `registerError`. The registry lives on `globalThis` under a
 * `Symbol.for` key, so every copy of weft loaded in one thread (say one from JSR and one from npm)
 * shares it. Each thread has its own `globalThis`, so each thread registers for itself, which
 * happens on its own when both import the module that defines and registers the class.
 *
 * @module
 */

import { WorkerCrashedError, WorkerStartError } from "../errors.ts";

/** A class whose instances are errors. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

const REGISTRY_KEY = Symbol.for("weft.errorClasses");

const BUILT_IN: Map<string, ErrorClass> = new Map<string, ErrorClass>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
  ["AggregateError", AggregateError],
]);

/**
 * The built-in classes in a fixed order: an error of one of them, named after it, is sent as its
 * index (`ErrorFlag.BUILT_IN`) rather than as three strings.
 */
export const BUILT_IN_CLASSES: readonly ErrorClass[] = [...BUILT_IN.values()];

/**
 * The index in {@linkcode BUILT_IN_CLASSES} of the class whose prototype `proto` is, when that
 * prototype's constructor is still the class (as `errorClassNames` would find); -1 otherwise.
 */
export function builtInIndexOf(proto: object | null): number {
  for (let i = 0; i < BUILT_IN_CLASSES.length; i++) {
    const Class = BUILT_IN_CLASSES[i];
    if (Class.prototype === proto) {
      return Object.hasOwn(Class.prototype, "constructor") &&
          (proto as { constructor: unknown }).constructor === Class
        ? i
        : -1;
    }
  }
  return -1;
}

/** The registry of this thread, created on first use. */
function registry(): Map<string, ErrorClass> {
  const holder = globalThis as unknown as Record<symbol, Map<string, ErrorClass> | undefined>;
  let map = holder[REGISTRY_KEY];
  if (map === undefined) {
    map = new Map();
    // Non-enumerable, so it does not show up when code walks globalThis.
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: map, configurable: true });
  }
  return map;
}

/**
 * Adds `errorClass` to this thread's registry under its `name`; a later class with the same
 * name replaces it.
 */
export function registerErrorClass(errorClass: ErrorClass): void {
  registry().set(errorClass.name, errorClass);
}

/**
 * Registers the error classes of weft's own that a process worker's answers carry across two
 * threads (its crash errors), so that they keep their class on the way to the caller.
 */
export function registerWeftErrors(): void {
  registerErrorClass(WorkerCrashedError);
  registerErrorClass(WorkerStartError);
}

/** The registered class of that name, if any. */
export function registeredErrorClass(name: string): ErrorClass | undefined {
  return registry().get(name);
}

/** The built-in error class of that name, if any. */
export function builtInErrorClass(name: string): ErrorClass | undefined {
  return BUILT_IN.get(name);
}

/** The names an error is sent with: its own class and its nearest built-in ancestor. */
export interface ErrorClassNames {
  /** The name of the error's constructor (`""` when it has none). */
  own: string;
  /** The nearest built-in class on its prototype chain (`"Error"` when none is found). */
  base: string;
}

/**
 * Finds the class names of `err` by walking its prototype chain.
 * @param err Any error object.
 * @returns The constructor's name and the nearest built-in ancestor's name.
 */
export function errorClassNames(err: Error): ErrorClassNames {
  let own = "";
  let proto: object | null = Object.getPrototypeOf(err);
  while (proto !== null) {
    const ctor = Object.hasOwn(proto, "constructor")
      ? (proto as { constructor: unknown }).constructor
      : undefined;
    if (typeof ctor === "function") {
      const name = ctor.name;
      if (own === "" && typeof name === "string") own = name;
      if (BUILT_IN.get(name) === ctor) return { own, base: name };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return { own, base: "Error" };
}
