/**
 * `createPool()`: starts worker threads and exposes each task as `pool.call.<name>(arg)`.
 *
 * Why it stays one file (past 400 lines): it is the one place where resolved options become a
 * running pool for both isolations (threads, process workers) and for every call shape (`call`,
 * `callSync`, `broadcast`, `open`); each shape's machinery lives in `src/host/`, and what is here
 * is the wiring between the options and those pieces, read best side by side.
 *
 * @module
 */

import { Dispatcher, type PoolStats } from "./host/dispatcher.ts";
import { openChannel, startCall } from "./host/stream_calls.ts";
import { broadcast } from "./host/broadcast.ts";
import { callObject } from "./host/call_object.ts";
import type { SyncCallOptions } from "./host/call_sync.ts";
import { NO_STATS } from "./host/pool_stats.ts";
import { TaskTimings } from "./host/task_stats.ts";
import { shown } from "./host/option_schema.ts";
import {
  checkCloseOptions,
  checkRemoteModules,
  type ResolvedPoolOptions,
  resolvePoolOptions,
} from "./host/pool_options.ts";
import { isMain } from "./is_main.ts";
import { resolveHref } from "./runtime/caller_url.ts";
import { runtime } from "./runtime/detect.ts";
import { checkThreadPermissions } from "./runtime/permissions.ts";
import type { Runtime } from "./runtime/adapter.ts";
import { processEntryUrls, workerEntryUrl } from "./runtime/entry_url.ts";
import { registerWeftErrors } from "./memory/error_classes.ts";
import { childPermissionFlags, processRuntime } from "./runtime/process_worker.ts";
import type { Task } from "./task.ts";
import type {
  AnyTaskCall,
  CallArgs,
  CallOptions,
  CloseOptions,
  PoolOptions,
  TaskOpen,
} from "./types.ts";
import type { BootstrapRef } from "./worker/init.ts";
import {
  isGeneratorFunction,
  TASK_ENTRY,
  taskFingerprint,
  type TaskRef,
} from "./worker/registry.ts";

/** The tasks handed to a pool, by the name they are called by. */
// deno-lint-ignore no-explicit-any -- any task, whatever its argument and result types
export type TaskMap = Record<string, Task<any, any>>;

/** The `call` object of a pool: one function per task. */
export type PoolCalls<T extends TaskMap> = {
  readonly [K in keyof T]: T[K] extends Task<infer A, infer R> ? AnyTaskCall<A, R> : never;
};

/** The `open` object of a pool: one function per task, each opening a channel to a call. */
export type PoolOpens<T extends TaskMap> = {
  readonly [K in keyof T]: T[K] extends Task<infer A, infer R> ? TaskOpen<A, R> : never;
};

/** The `broadcast` object of a pool: one function per task, resolving with every worker's result. */
export type PoolBroadcasts<T extends TaskMap> = {
  readonly [K in keyof T]: T[K] extends Task<infer A, infer R> ? BroadcastCall<A, R> : never;
};

/**
 * A function that runs a task once on every live worker and resolves with their results, in the
 * order of the workers.
 */
export type BroadcastCall<A, R> = (...args: CallArgs<A>) => Promise<R[]>;

/** The `callSync` object of a pool: one blocking function per task. */
export type PoolSyncCalls<T extends TaskMap> = {
  readonly [K in keyof T]: T[K] extends Task<infer A, infer R> ? SyncTaskCall<A, R> : never;
};

/** Arguments of a synchronous call: the task's argument (no promise), then its options. */
export type SyncCallArgs<A> = unknown extends A ? [arg?: A, options?: SyncCallOptions]
  : undefined extends A ? [arg?: A, options?: SyncCallOptions]
  : [arg: A, options?: SyncCallOptions];

/** A function that calls a task on a worker and blocks until it returns. */
export type SyncTaskCall<A, R> = (...args: SyncCallArgs<A>) => R;

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
  /**
   * Counters: threads, queued and running calls, completed, failed, respawns, recycled, lost
   * wake-ups.
   */
  stats(): PoolStats;
}

export type { PoolStats };

/** A running pool. `await using pool = ...` closes it on scope exit. */
export interface Pool<T extends TaskMap> extends PoolControl {
  /**
   * `call.<name>(arg, options?)` runs task `name` on a worker and resolves with its result; for
   * a generator task it returns a {@linkcode StreamCall} of the values it yields.
   */
  readonly call: PoolCalls<T>;
  /**
   * `open.<name>(arg, options?)` runs task `name` with a {@linkcode Channel}: the host sends
   * values that the task reads from `ctx.input`, and reads what it yields.
   */
  readonly open: PoolOpens<T>;
  /**
   * `broadcast.<name>(arg, options?)` runs task `name` once on every live worker and resolves
   * with their results in worker order (rejecting as `Promise.all` does). `transfer` is refused.
   */
  readonly broadcast: PoolBroadcasts<T>;
  /**
   * `callSync.<name>(arg, { timeout? })` runs task `name` on a ready worker and blocks this
   * thread with `Atomics.wait` until it returns, for synchronous APIs (plugins, config loaders,
   * lint rules). Returns the result; throws the task's error, `TimeoutError`, or a `TypeError`
   * where this thread may not block or `arg` is a promise.
   */
  readonly callSync: PoolSyncCalls<T>;
}

/** A pool made by `task().createPool()`: it runs that one task. */
export interface SingleTaskPool<A, R> extends PoolControl {
  /** Runs the task on a worker and resolves with its result (a stream for a generator task). */
  readonly call: AnyTaskCall<A, R>;
  /** Runs the task with a channel (see {@linkcode Pool.open}). */
  readonly open: TaskOpen<A, R>;
  /** Runs the task once on every live worker and resolves with their results in worker order. */
  readonly broadcast: BroadcastCall<A, R>;
  /** Runs the task on a ready worker and blocks this thread until it returns. */
  readonly callSync: SyncTaskCall<A, R>;
}

function taskRefs(tasks: TaskMap): TaskRef[] {
  if (typeof tasks !== "object" || tasks === null) {
    throw new TypeError(
      `Cannot create pool: tasks must be an object of tasks, received ${shown(tasks)}`,
    );
  }
  return Object.keys(tasks).map((name) => {
    const entry = tasks[name]?.[TASK_ENTRY];
    if (entry === undefined) {
      throw new TypeError(
        `Cannot create pool: tasks.${name} is not a task made with task(), received ${
          shown(tasks[name])
        }`,
      );
    }
    if (entry.exportName !== undefined) {
      return {
        name,
        module: entry.moduleUrl,
        ordinal: -1,
        fingerprint: 0,
        export: entry.exportName,
      };
    }
    return {
      name,
      module: entry.moduleUrl,
      ordinal: entry.ordinal,
      fingerprint: taskFingerprint(entry.f, entry.ordinal),
    };
  });
}

/**
 * The modules each worker imports: those of the tasks (or the `module` option in their place),
 * and those of imported tasks, which only workers ever load.
 */
function taskModules(refs: readonly TaskRef[], module: string | undefined): string[] {
  const modules = module !== undefined ? [module] : [];
  for (const ref of refs) {
    if (ref.export !== undefined || module === undefined) modules.push(ref.module);
  }
  return [...new Set(modules)];
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
    open: call as PoolOpens<TaskMap>,
    broadcast: call as PoolBroadcasts<TaskMap>,
    callSync: callObject(Object.keys(call), () => () => {
      throw new Error(
        "Cannot call task: this pool was created inside a weft worker, where pools are inert",
      );
    }) as PoolSyncCalls<TaskMap>,
    shutdown: done,
    terminate: done,
    close: (closeOptions?: CloseOptions) => checkedClose(closeOptions, done),
    stats: () => ({ ...NO_STATS, tasks: {} }),
    [Symbol.asyncDispose]: done,
  };
}

/** Runs `close` once `options` are known to be good; bad ones reject the returned promise. */
function checkedClose(
  options: CloseOptions | undefined,
  close: () => Promise<void>,
): Promise<void> {
  try {
    checkCloseOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  return close();
}

/**
 * Creates a pool factory: `createPool(options)(tasks)` starts the workers and returns the pool.
 * Inside a weft worker (where the task module is imported again) it returns an inert pool that
 * starts nothing.
 *
 * @param options Pool options.
 * @returns A function that takes the tasks, by name, and returns the pool.
 * @throws {TypeError} When an option's name is unknown (the message names the closest one), an
 * option's value has the wrong type, or a task is not a task.
 * @throws {RangeError} When an option's value is out of range, `threads` too.
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
  const resolved = resolvePoolOptions(options, runtime.availableParallelism());
  const bootstrap = bootstrapFrom(resolved, createPool);
  return poolFactory(resolved, bootstrap);
}

/**
 * The bootstrap of `resolved`, its href resolved from the module that called `below`, the
 * function the user called (see `resolveHref`: this must not be a tail call).
 */
function bootstrapFrom(
  resolved: ResolvedPoolOptions,
  below: (...args: never[]) => unknown,
): BootstrapRef | undefined {
  const bootstrap = resolved.bootstrap;
  if (bootstrap === undefined) return undefined;
  const href = resolveHref(bootstrap.href, below);
  return { ...bootstrap, href };
}

/** {@linkcode createPool} once its options are resolved. */
function poolFactory(
  resolved: ResolvedPoolOptions,
  bootstrap: BootstrapRef | undefined,
): <T extends TaskMap>(tasks: T) => Pool<T> {
  const permissions = resolved.permissions;
  if (permissions !== undefined && resolved.isolation === "thread") {
    checkThreadPermissions(runtime.name, permissions, { inline: resolved.inliner !== undefined });
  } else if (permissions !== undefined) {
    // Refused here, as on threads; the flags themselves need the task modules (below).
    childPermissionFlags(resolved.runtime ?? runtime.name, permissions, []);
  }
  return <T extends TaskMap>(tasks: T): Pool<T> => {
    const refs = taskRefs(tasks);
    const imported = refs.find((ref) => ref.export !== undefined);
    if (imported !== undefined && resolved.threads === 0 && resolved.elastic === undefined) {
      throw new TypeError(
        `Cannot create pool: task "${imported.name}" is imported by workers only, and a pool of threads: 0 runs every call on the host, received threads: 0`,
      );
    }
    if (!isMain) {
      return inertPool(callObject(refs.map((ref) => ref.name), () => inertCall)) as Pool<T>;
    }
    const modules = taskModules(refs, resolved.module);
    checkRemoteModules(resolved, modules);
    const generators = Object.values(tasks).map((t) => isGeneratorFunction(t[TASK_ENTRY].f));
    const dispatcher = new Dispatcher({
      runtime: resolved.isolation === "process" ? processPoolRuntime(resolved, modules) : runtime,
      entryUrl: workerEntryUrl(),
      threads: resolved.threads,
      elastic: resolved.elastic,
      modules,
      tasks: refs,
      timeouts: Object.values(tasks).map((t) => t.timeout ?? 0),
      payload: {
        payloadInitialBytes: resolved.payloadInitialBytes,
        payloadMaxByteLength: resolved.payloadMaxByteLength,
      },
      spinMicroseconds: resolved.spinMicroseconds,
      parkMicroseconds: resolved.parkMicroseconds,
      gcOnIdle: resolved.gcOnIdle,
      hostSpinMicroseconds: resolved.hostSpinMicroseconds,
      maxQueue: resolved.maxQueue,
      balancer: resolved.balancer ?? "leastBusy",
      timeoutGrace: resolved.isolation === "process"
        ? processBackstop(resolved.timeoutGrace)
        : resolved.timeoutGrace,
      resourceLimits: resolved.resourceLimits,
      recycle: resolved.recycle,
      // The host has every task's function already: it defined them.
      inline: resolved.inliner === undefined ? undefined : {
        settings: resolved.inliner,
        fns: refs.map((ref) => tasks[ref.name][TASK_ENTRY].f),
      },
      bootstrap,
      process: resolved.process,
      timings: resolved.taskTimings ? new TaskTimings(refs.map((ref) => ref.name)) : undefined,
      permissions,
    });
    const call = callObject(
      refs.map((ref) => ref.name),
      (_, index) => (arg?: unknown, callOptions?: CallOptions) =>
        startCall(dispatcher, index, generators[index], arg, callOptions),
    );
    const open = callObject(
      refs.map((ref) => ref.name),
      (_, index) => (arg?: unknown, callOptions?: CallOptions) =>
        openChannel(dispatcher, index, arg, callOptions),
    );
    const everywhere = callObject(
      refs.map((ref) => ref.name),
      (_, index) => (arg?: unknown, callOptions?: CallOptions) =>
        broadcast(dispatcher, index, arg, callOptions),
    );
    const blocking = callObject(
      refs.map((ref) => ref.name),
      (_, index) => (arg?: unknown, syncOptions?: SyncCallOptions) =>
        dispatcher.callSync(index, arg, syncOptions),
    );
    const close = (closeOptions?: CloseOptions) =>
      checkedClose(closeOptions, () => dispatcher.close(closeOptions?.timeout));
    return {
      callSync: blocking as PoolSyncCalls<T>,
      call: call as PoolCalls<T>,
      open: open as unknown as PoolOpens<T>,
      broadcast: everywhere as PoolBroadcasts<T>,
      shutdown: () => dispatcher.shutdown(),
      terminate: () => dispatcher.shutdown(),
      close,
      stats: () => dispatcher.stats(),
      [Symbol.asyncDispose]: () => close(),
    };
  };
}

/**
 * The `createPool` method of a task: a pool that runs only `task()`. It is the function the user
 * calls, so relative hrefs in its options resolve from the caller of this very function.
 */
export function singleTaskPoolMethod<A, R>(
  task: () => Task<A, R>,
): (options?: PoolOptions) => SingleTaskPool<A, R> {
  const createPoolOfTask = (options?: PoolOptions): SingleTaskPool<A, R> => {
    const resolved = resolvePoolOptions(options ?? {}, runtime.availableParallelism());
    const bootstrap = bootstrapFrom(resolved, createPoolOfTask);
    const pool = poolFactory(resolved, bootstrap)({ task: task() });
    const { call: _, open: __, broadcast: ___, callSync: ____, ...control } = pool;
    return {
      ...control,
      callSync: pool.callSync.task as SyncTaskCall<A, R>,
      call: pool.call.task as AnyTaskCall<A, R>,
      open: pool.open.task as TaskOpen<A, R>,
      broadcast: pool.broadcast.task as BroadcastCall<A, R>,
    };
  };
  return createPoolOfTask;
}

/**
 * The host's own grace for a process worker's timed-out call. The child enforces `timeoutGrace`
 * on the thread that runs the task, from that task's own start; the host can only count from
 * when the child was sent the call, so it ends the whole child only as a backstop, when no
 * answer has come well after the child's own limit (the child itself does not respond).
 */
function processBackstop(grace: number): number {
  return 2 * grace + 1000;
}

/** The runtime whose workers are process workers, as `options` describe them. */
function processPoolRuntime(options: ResolvedPoolOptions, modules: string[]): Runtime {
  const entries = processEntryUrls();
  registerWeftErrors();
  const child = options.runtime ?? runtime.name;
  // The child reads weft's own files (from the package's root) and the task modules.
  const loads = [new URL("../../", entries.child), ...modules];
  return processRuntime(runtime, {
    runtime: child,
    command: options.command,
    flags: options.permissions === undefined
      ? []
      : childPermissionFlags(child, options.permissions, loads),
    relayUrl: entries.relay,
    childUrl: entries.child,
    timeoutGrace: options.timeoutGrace,
  });
}
