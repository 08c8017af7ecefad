/**
 * `task()`: wraps a function so that a pool can run it on a worker.
 *
 * @module
 */

import { type SingleTaskPool, singleTaskPoolMethod } from "./pool.ts";
import { callerUrl } from "./runtime/caller_url.ts";
import { TIMEOUT_MS } from "./host/call_options.ts";
import { checkOptions, FUNCTION, MODULE_URL, type Schema, shown } from "./host/option_schema.ts";
import type { PoolOptions } from "./types.ts";
import { registerTask, TASK_ENTRY, type TaskEntry } from "./worker/registry.ts";
import type { TaskContext } from "./worker/task_context.ts";

/** What {@linkcode task} takes. */
export interface TaskDefinition<A, R> {
  /**
   * The function to run on a worker: one argument (use a tuple or object for more), and a context
   * whose `signal` aborts (and `aborted()` turns true) when the call is aborted or times out.
   */
  f: (arg: A, ctx: TaskContext) => R;
  /**
   * Milliseconds after which a call rejects with `TimeoutError`, unless its result was produced by
   * then, counted from when a ready worker has the call (see `CallOptions.timeout`). Default:
   * none.
   */
  timeout?: number;
  /**
   * URL of the module that defines this task, for bundled code where it cannot be found from the
   * call stack. Default: the module that calls `task()`.
   */
  module?: string | URL;
}

/** The names and rules of a {@linkcode TaskDefinition}. */
const TASK_SCHEMA: Schema = { f: FUNCTION, timeout: TIMEOUT_MS, module: MODULE_URL };

/** A function wrapped by {@linkcode task}, ready to be handed to a pool. */
export interface Task<A, R> {
  /** The wrapped function (it still runs in this thread if called directly). */
  readonly f: (arg: A, ctx: TaskContext) => R | Promise<R>;
  /** Default timeout of calls in ms, or undefined for none. */
  readonly timeout: number | undefined;
  /** URL of the module that defined the task. */
  readonly module: string;
  /** @internal Registry entry. */
  readonly [TASK_ENTRY]: TaskEntry;
  /**
   * Starts a pool that runs only this task.
   * @param options Pool options.
   * @returns A pool with `call(arg)` and `shutdown()`.
   */
  createPool(options?: PoolOptions): SingleTaskPool<A, R>;
}

/**
 * Wraps a function of one argument so that a pool can run it on a worker thread. Define tasks at
 * the top level of a module: workers import that module and find the task again there.
 *
 * @param definition `f`, the function, and optionally `module`, the defining module's URL.
 * @returns The task.
 * @throws {TypeError} When `f` is not a function, a name in `definition` is not one of its
 * options, `timeout` or `module` has the wrong type, or the defining module cannot be found.
 * @throws {RangeError} When `timeout` is not a positive finite number.
 *
 * @example Define a task (at module top level), then run it on its own pool
 * ```ts
 * import { isMain, task } from "@weft/weft";
 * // In the app, `world` is defined and exported in its own module:
 * // export const world = task({ f: (s: string) => s + " world" });
 * import { world } from "../examples/math_tasks.ts";
 *
 * if (isMain) {
 *   const pool = world.createPool({ threads: 1 });
 *   console.log(await pool.call("hello")); // "hello world"
 *   await pool.shutdown();
 * }
 * ```
 */
export function task<A, R>(definition: TaskDefinition<A, R>): Task<A, Awaited<R>> {
  checkOptions("create task", definition, TASK_SCHEMA);
  const f = definition?.f;
  if (typeof f !== "function") {
    throw new TypeError(`Cannot create task: f must be a function, received ${shown(f)}`);
  }
  const module = definition.module !== undefined ? String(definition.module) : callerUrl(task);
  if (module === undefined) {
    throw new TypeError(
      "Cannot create task: the defining module was not found on the call stack, received no module option",
    );
  }
  const entry = registerTask(module, f as unknown as (arg: never) => unknown);
  const created: Task<A, Awaited<R>> = {
    f: f as unknown as (arg: A, ctx: TaskContext) => Awaited<R>,
    timeout: definition.timeout,
    module,
    [TASK_ENTRY]: entry,
    createPool: singleTaskPoolMethod(() => created),
  };
  return created;
}
