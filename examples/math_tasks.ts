/**
 * Tasks used by the examples and the JSDoc examples. Workers import this module to find them.
 *
 * @module
 */
import { task } from "../mod.ts";

/** Adds two numbers. */
export const add = task({ f: ([a, b]: [number, number]) => a + b });

/** Greets someone, asynchronously. */
// deno-lint-ignore require-await -- an async task with nothing to await, as users write them
export const greet = task({ f: async (name: string) => `hello ${name}` });

/** Appends " world". */
export const world = task({ f: (s: string) => s + " world" });
