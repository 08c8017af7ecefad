/**
 * `isMain`: false inside weft's own workers, true everywhere else.
 *
 * @module
 */

import { startWorker } from "./worker/entry.ts";

// Asking starts the worker in a weft worker (once): a bundle of an app is its own worker entry (see
// `src/runtime/entry_url.ts`), and a bundle keeps the worker's code because `isMain` needs it.

/**
 * True on any thread that is not one of weft's workers. Guard module top-level code that should
 * run only once, on the host (workers import the module that defines the tasks).
 *
 * @example Guard the host's work
 * ```ts
 * import { isMain } from "@weft/weft";
 *
 * if (isMain) console.log("running on the host");
 * ```
 */
export const isMain: boolean = !startWorker();
