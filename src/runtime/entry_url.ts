/**
 * Finds the worker entry module next to this file: `entry.ts` when weft runs from its TypeScript
 * source (Deno, Node with type stripping, Bun), `entry.js` when it runs from the npm build.
 *
 * @module
 */

/** The URL of the worker entry module. */
export function workerEntryUrl(): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`../worker/entry${ext}`, import.meta.url);
}
