/**
 * The `call` object of a pool (`pool.call.<name>`). Each task is an own property, so a call to a
 * known task is a plain property load that engines cache like any other; only a name the object
 * lacks falls through to its prototype, a `Proxy` that throws a `TypeError` listing the tasks
 * instead of leaving the caller with the engine's "is not a function".
 *
 * @module
 */

import { closest } from "./option_schema.ts";

/**
 * Names that code probing an object reads without meaning a task: `await` and promise
 * resolution look for `then`, `JSON.stringify` for `toJSON`. They read as absent.
 */
const PROBED = new Set(["then", "toJSON"]);

/** Names listed in the error before it says how many more there are. */
const LISTED_NAMES = 20;

/**
 * The prototype of every `call` object. One for all pools: objects with the same prototype and
 * the same task names share their hidden class, so a call site that serves several pools stays
 * as fast as one that serves a single pool (a prototype per pool made such sites megamorphic).
 * The tasks it lists are the own names of the object read through (`receiver`).
 */
const FALLBACK: object = new Proxy(Object.freeze(Object.create(Object.prototype)), {
  get(target, key, receiver) {
    if (typeof key === "symbol" || key in target || PROBED.has(key)) {
      return Reflect.get(target, key, receiver);
    }
    throw noTask(key, Object.keys(receiver));
  },
});

/**
 * Makes the `call` object for tasks `names`: `make(name, index)` gives each task's function.
 * Reading a name that is not a task (nor one of `Object.prototype`'s) throws a `TypeError`.
 */
export function callObject<F>(
  names: readonly string[],
  make: (name: string, index: number) => F,
): Record<string, F> {
  const call: Record<string, F> = Object.create(FALLBACK);
  names.forEach((name, index) => {
    Object.defineProperty(call, name, {
      value: make(name, index),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return call;
}

function noTask(name: string, names: readonly string[]): TypeError {
  const near = closest(name, names);
  const listed = names.length === 0 ? "none" : names.slice(0, LISTED_NAMES).join(", ") +
    (names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : "");
  return new TypeError(
    `Cannot call task: the pool has no task ${JSON.stringify(name)}${
      near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ""
    }, received a call to it (tasks: ${listed})`,
  );
}
