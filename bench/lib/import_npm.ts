/**
 * Loads a benchmark-only npm package from `bench/node_modules` (installed by `bench/main.ts`).
 *
 * The specifier is held in a `string` variable on purpose: `deno check bench/` then leaves the
 * package unresolved (its name is not in deno.json's import map), while Deno, Node and Bun all
 * resolve it at run time from `bench/package.json`. Callers describe the small part of each
 * package's API they use in their own interface.
 *
 * @module
 */

/** Imports the npm package `name` and returns its module namespace. */
export async function importNpm<T>(name: string): Promise<T> {
  const specifier: string = name;
  return await import(specifier) as T;
}
