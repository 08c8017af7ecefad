/**
 * `pool.broadcast.<name>(arg)`: one call of a task on every live worker, each pinned to its lane
 * (see `Dispatcher.call`), resolved together in lane order.
 *
 * @module
 */

import type { CallOptions } from "./call_options.ts";
import type { Dispatcher } from "./dispatcher.ts";

/**
 * Runs task number `task` once on each worker alive now (starting or ready).
 * @returns The results in lane order; rejects with the first call that fails, as `Promise.all`.
 */
export function broadcast(
  dispatcher: Dispatcher,
  task: number,
  arg: unknown,
  options?: CallOptions,
): Promise<unknown[]> {
  if (options?.transfer !== undefined) {
    return Promise.reject(
      new TypeError(
        `Cannot broadcast call: moved buffers can reach only one worker, received a transfer list of ${
          Array.isArray(options.transfer) ? options.transfer.length : "?"
        }`,
      ),
    );
  }
  if (options?.key !== undefined) {
    return Promise.reject(
      new TypeError(
        `Cannot broadcast call: a key picks one worker and a broadcast runs on all, received key ${
          JSON.stringify(options.key)
        }`,
      ),
    );
  }
  if (
    (typeof arg === "object" || typeof arg === "function") && arg !== null &&
    typeof (arg as PromiseLike<unknown>).then === "function"
  ) {
    // Awaited once, then sent to each worker.
    return Promise.resolve(arg).then((value) => broadcast(dispatcher, task, value, options));
  }
  if (dispatcher.closedBy !== undefined) return Promise.reject(dispatcher.closedBy);
  const lanes = dispatcher.liveLanes();
  return Promise.all(
    lanes.map((lane) => dispatcher.call(task, arg, options, undefined, undefined, lane)),
  );
}
