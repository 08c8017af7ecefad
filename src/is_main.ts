/**
 * `isMain`: false inside weft's own workers, true everywhere else.
 *
 * @module
 */

import { runtime } from "./runtime/detect.ts";
import { isWorkerInit } from "./worker/init.ts";

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
export const isMain: boolean = !isWorkerInit(runtime.workerData());
