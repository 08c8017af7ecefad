/**
 * `createPool()`: starts worker threads and exposes each task as `pool.call.<name>(arg)`.
 *
 * @module
 */

import { checkTimeout } from "./host/call_options.ts";
import { Dispatcher, type PoolStats } from "./host/dispatcher.ts";
import { NO_STATS } from "./host/pool_stats.ts";
import { isMain } from "./is_main.ts";
import { runtime } from "./runtime/detect.ts";
import { workerEntryUrl } from "./runtime/entry_url.ts";
import type { Task } from "./task.ts";
import type { CallOptions, CloseOptions, PoolOptions, TaskCall } from "./types.ts";
import { TASK_ENTRY, taskFingerprint, type TaskRef } from "./worker/registry.ts";

/** The tasks handed to a pool, by the name they are called by. */
// deno-lint-ignore no-explicit-any -- any task, whatever its argument and result types
export type TaskMap = Record<string, Task<any, any>>;

/** The `call` object of a pool: one function per task. */
export type PoolCalls<T extends TaskMap> = {
  readonly [K in keyof T]: T[K] extends Task<infer A, infer R> ? TaskCall<A, R> : never;
};

/** Lifecycle and introspection shared by every pool. */
export interface PoolControl extends AsyncDisposable {
  /**
   * Stops the pool at once: every pending call rejects with `PoolClosedError`, the workers end,
   * and the promise resolves once they are gone. Later calls reject with `PoolClosedError`.
   */
  shutdown(): Promise<void>;
  /** The same as {@linkcode PoolControl.shutdown}: reject everything pending and end now. */
  terminate(): Promise<void>;
  /**
   * Stops taking calls (they reject with `PoolClosedError`), lets queued and running calls
   * finish, then ends the workers. With `timeout`, what is still pending then is rejected.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Counters: threads, queued and running calls, completed, failed, respawns, lost wake-ups. */
  stats(): PoolStats;
}

export type { PoolStats };

/** A running pool. `await using pool = ...` closes it on scope exit. */
export interface Pool<T extends TaskMap> extends PoolControl {
  /** `call.<name>(arg, options?)` runs task `name` on a worker and resolves with its result. */
  readonly call: PoolCalls<T>;
}

/** A pool made by `task().createPool()`: it runs that one task. */
export interface SingleTaskPool<A, R> extends PoolControl {
  /** Runs the task on a worker and resolves with its result. */
  readonly call: TaskCall<A, R>;
}

const DEFAULT_SPIN_MICROSECONDS = 50;
const DEFAULT_PARK_MICROSECONDS = 2000;
const DEFAULT_HOST_SPIN_MICROSECONDS = 20;
const DEFAULT_TIMEOUT_GRACE_MS = 1000;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create pool: ${name} must be a non-negative number, received ${value}`,
    );
  }
  return value;
}

function threadCount(threads: number | undefined): number {
  if (threads === undefined) return Math.max(1, runtime.availableParallelism() - 1);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot create pool: threads must be a positive integer, received ${threads}`,
    );
  }
  return threads;
}

function taskRefs(tasks: TaskMap): TaskRef[] {
  if (typeof tasks !== "object" || tasks === null) {
    throw new TypeError(`Cannot create pool: tasks must be an object of tasks, received ${tasks}`);
  }
  return Object.keys(tasks).map((name) => {
    const entry = tasks[name]?.[TASK_ENTRY];
    if (entry === undefined) {
      throw new TypeError(
        `Cannot create pool: tasks.${name} is not a task made with task(), received ${typeof tasks[
          name
        ]}`,
      );
    }
    return {
      name,
      module: entry.moduleUrl,
      ordinal: entry.ordinal,
      fingerprint: taskFingerprint(entry.f, entry.ordinal),
    };
  });
}

function inertCall(): Promise<never> {
  return Promise.reject(
    new Error(
      "Cannot call task: this pool was created inside a weft worker, where pools are inert",
    ),
  );
}

function inertPool(call: Record<string, unknown>): Pool<TaskMap> {
  const done = () => Promise.resolve();
  return {
    call: call as PoolCalls<TaskMap>,
    shutdown: done,
    terminate: done,
    close: done,
    stats: () => ({ ...NO_STATS }),
    [Symbol.asyncDispose]: done,
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value !== Infinity && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(
      `Cannot create pool: ${name} must be a non-negative integer or Infinity, received ${value}`,
    );
  }
  return value;
}

/**
 * Creates a pool factory: `createPool(options)(tasks)` starts the workers and returns the pool.
 * Inside a weft worker (where the task module is imported again) it returns an inert pool that
 * starts nothing.
 *
 * @param options Pool options.
 * @returns A function that takes the tasks, by name, and returns the pool.
 * @throws {RangeError} When an option is out of range. {TypeError} When a task is not a task.
 *
 * @example Two tasks on two threads
 * ```ts
 * import { createPool, isMain } from "@weft/weft";
 * // Tasks live in a module that workers import:
 * // export const add = task({ f: ([a, b]: [number, number]) => a + b });
 * // export const greet = task({ f: async (name: string) => `hello ${name}` });
 * import { add, greet } from "../examples/math_tasks.ts";
 *
 * if (isMain) {
 *   const pool = createPool({ threads: 2 })({ add, greet });
 *   const [sum, text] = await Promise.all([pool.call.add([1, 2]), pool.call.greet("ada")]);
 *   console.log(sum, text); // 3 "hello ada"
 *   await pool.shutdown();
 * }
 * ```
 */
export function createPool(options: PoolOptions = {}): <T extends TaskMap>(tasks: T) => Pool<T> {
  const threads = threadCount(options.threads);
  const spinMicroseconds = nonNegative(
    "worker.spinMicroseconds",
    options.worker?.spinMicroseconds,
    DEFAULT_SPIN_MICROSECONDS,
  );
  const maxQueue = positiveInteger("maxQueue", options.maxQueue, Infinity);
  const timeoutGrace = nonNegative("timeoutGrace", options.timeoutGrace, DEFAULT_TIMEOUT_GRACE_MS);
  const parkMicroseconds = nonNegative(
    "worker.parkMicroseconds",
    options.worker?.parkMicroseconds,
    DEFAULT_PARK_MICROSECONDS,
  );
  return <T extends TaskMap>(tasks: T): Pool<T> => {
    const refs = taskRefs(tasks);
    const call: Record<string, (arg?: unknown) => Promise<unknown>> = {};
    if (!isMain) {
      for (const ref of refs) call[ref.name] = inertCall;
      return inertPool(call) as Pool<T>;
    }
    const modules = options.module !== undefined
      ? [String(options.module)]
      : [...new Set(refs.map((ref) => ref.module))];
    const dispatcher = new Dispatcher({
      runtime,
      entryUrl: workerEntryUrl(),
      threads,
      modules,
      tasks: refs,
      timeouts: Object.values(tasks).map((t) => t.timeout ?? 0),
      payload: options.payload ?? {},
      spinMicroseconds,
      parkMicroseconds,
      gcOnIdle: options.worker?.gcOnIdle ?? true,
      hostSpinMicroseconds: nonNegative(
        "hostSpinMicroseconds",
        options.hostSpinMicroseconds,
        DEFAULT_HOST_SPIN_MICROSECONDS,
      ),
      maxQueue,
      timeoutGrace,
      resourceLimits: options.resourceLimits,
    });
    refs.forEach((ref, index) => {
      call[ref.name] = (arg?: unknown, callOptions?: CallOptions) =>
        dispatcher.call(index, arg, callOptions);
    });
    const close = (closeOptions?: CloseOptions) => {
      checkTimeout("close pool", closeOptions?.timeout);
      return dispatcher.close(closeOptions?.timeout);
    };
    return {
      call: call as PoolCalls<T>,
      shutdown: () => dispatcher.shutdown(),
      terminate: () => dispatcher.shutdown(),
      close,
      stats: () => dispatcher.stats(),
      [Symbol.asyncDispose]: () => close(),
    };
  };
}

/** The pool behind `task().createPool()`. */
export function singleTaskPool<A, R>(
  task: Task<A, R>,
  options?: PoolOptions,
): SingleTaskPool<A, R> {
  const pool = createPool(options)({ task });
  const { call: _, ...control } = pool;
  return { ...control, call: pool.call.task as TaskCall<A, R> };
}
