/**
 * Public types of weft.
 *
 * @module
 */

import type { CallOptions, HighWaterMark } from "./host/call_options.ts";
import type { PayloadOptions } from "./memory/region.ts";
import type { ResourceLimits } from "./runtime/adapter.ts";
import type { PermissionGrant, Permissions } from "./runtime/permissions.ts";

export type {
  CallOptions,
  HighWaterMark,
  PayloadOptions,
  PermissionGrant,
  Permissions,
  ResourceLimits,
};

/** Tuning of the worker's idle behaviour. */
export interface WorkerOptions {
  /** Microseconds a worker spins waiting for the next call before it parks. Default: 50. */
  spinMicroseconds?: number;
  /**
   * Microseconds a worker then blocks in `Atomics.wait` (fast wake-up, but its event loop is held)
   * before it parks in `Atomics.waitAsync` (its timers and I/O run). Default: 2000.
   */
  parkMicroseconds?: number;
  /** Run a garbage collection when going idle, where the runtime exposes one. Default: true. */
  gcOnIdle?: boolean;
  /**
   * A function each worker awaits, with `data`, before it imports the task modules (and so
   * before any task runs): to set up state, install guards, warm caches. A worker started later
   * to replace one runs it too. If it throws, the pool does not start: its calls reject with
   * `WorkerStartError`, the thrown error as `cause`. Default: none.
   */
  bootstrap?: BootstrapOptions;
  /**
   * The workers' environment variables as Node's API shows them: their whole environment, not
   * merged with the host's (on Deno, its own environment API stays the process's). Default: a
   * copy of the host's environment at spawn.
   */
  env?: Record<string, string>;
  /**
   * Strings appended to each worker's command-line arguments (Node's `argv`). Default: none.
   */
  argv?: string[];
  /**
   * Each worker's runtime flags (Node's `execArgv`): Node applies the flags that a thread may have (others
   * make the pool fail to start); Deno and Bun only show them there. Default: the host's.
   */
  execArgv?: string[];
}

/** The function {@linkcode WorkerOptions.bootstrap} names. */
export interface BootstrapOptions {
  /** Its module: a URL, or a path relative to the module that calls `createPool`. */
  href: string | URL;
  /** Its export. Default: `"default"`. */
  name?: string;
  /** Its argument, copied to each worker with `structuredClone`. Default: undefined. */
  data?: unknown;
}

/**
 * An elastic pool: it starts `min` workers, starts one more (up to `max`) whenever a call has to
 * wait behind others while no added worker is still starting, and ends a worker above `min` once
 * it has gone `idleTimeout` ms without work. Neither growing nor shrinking loses or repeats a call:
 * only a worker with nothing in flight is ended.
 */
export interface ElasticThreadsOptions {
  /** Workers kept however idle the pool is (0 allowed: none until calls come). Default: 1. */
  min?: number;
  /** Most workers. Default: available parallelism minus one, at least `min`. */
  max?: number;
  /** Milliseconds a worker above `min` may go without work before it ends. Default: 5000. */
  idleTimeout?: number;
}

/** Options of {@linkcode createPool}. */
export interface PoolOptions {
  /**
   * Worker threads: a number (0 with an `inliner`: the host runs every call), or
   * `{ min, max, idleTimeout }` for a pool that grows and shrinks
   * (see {@linkcode ElasticThreadsOptions}). At most 4 per unit of the runtime's available
   * parallelism, unless `allowOversubscribe` is true; never more than 1024. Default: available
   * parallelism minus one, at least one.
   */
  threads?: number | ElasticThreadsOptions;
  /**
   * Allows `threads` above 4 per unit of available parallelism (up to 1024): for tasks that
   * mostly wait, or a machine whose reported parallelism is too low. Default: false.
   */
  allowOversubscribe?: boolean;
  /**
   * URL of the module that defines the tasks, for bundled code where it cannot be found from the
   * call stack. Default: the module that called `task()`.
   */
  module?: string | URL;
  /** Payload buffer sizes. */
  payload?: PayloadOptions;
  /** Worker idle tuning. */
  worker?: WorkerOptions;
  /**
   * Microseconds the host may check for answers right after it sends a batch, before it waits
   * with `Atomics.waitAsync` (whose wake-up costs 5-15 µs). Skipped for lanes whose calls take
   * longer than this. 0 turns it off. Default: 20.
   */
  hostSpinMicroseconds?: number;
  /** Most calls that may wait in the host queue; one more rejects with `QueueFullError`. Default: no limit. */
  maxQueue?: number;
  /**
   * Milliseconds a task whose timeout expired has to stop (its `ctx.signal` has aborted) before
   * its worker is ended and replaced. Default: 1000.
   */
  timeoutGrace?: number;
  /**
   * Per-worker memory limits, each a positive number of MB, `stackSizeMb` at least 1. Node applies
   * them all; Deno the heap limits but not `stackSizeMb` (left out, with a warning); Bun none (a
   * warning says so, once per process).
   */
  resourceLimits?: ResourceLimits;
  /**
   * How a call picks its worker: `"roundRobin"` (each worker in turn), `"leastBusy"` (the one
   * with the fewest calls in flight) or `"firstIdle"` (the first with none, else the least busy).
   * Each prefers workers that are ready over ones still starting. Whatever the balancer, calls
   * waiting behind a long task are moved to an idle worker (work stealing). Default:
   * `"leastBusy"`.
   */
  balancer?: "roundRobin" | "leastBusy" | "firstIdle";
  /**
   * What the workers may do: `read`, `write`, `net`, `env`, `run`, `ffi`, `sys` and `import`,
   * each `true`, `false` or an allow-list, as Deno's permissions (a permission left out is
   * denied). Enforced by the runtime or refused: Deno enforces every permission on threads
   * (started with `--unstable-worker-options`) and processes; Node.js processes enforce `read`,
   * `write`, `run` and `ffi`; Node.js and Bun threads enforce none, so a pool that would deny
   * anything there throws `UnenforceablePermissionError`. Default: the host's own
   * permissions.
   */
  permissions?: Permissions;
  /**
   * Where the tasks run: `"thread"` (a worker thread of this process) or `"process"` (a child
   * process of its own per worker, which runs them on a worker thread; a crash, an exit call
   * or a runaway allocation there ends only that child, and the child dies with this process).
   * Calls behave the same either way. Default: `"thread"`.
   */
  isolation?: "thread" | "process";
  /**
   * The runtime a process worker runs on: this process's own executable when it is the same
   * runtime, else `deno`, `node` or `bun` from `PATH`. Only with `isolation: "process"`.
   * Default: the runtime this process runs on.
   */
  runtime?: "deno" | "node" | "bun";
  /**
   * Argv placed before the runtime's executable when a process worker starts: a sandbox
   * (`["bwrap", "--dev-bind", "/", "/", "--unshare-net", "--"]`) or a launcher (`nice`, `taskset`,
   * `prlimit`). Only with `isolation: "process"`. Default: none.
   */
  command?: readonly string[];
  /**
   * Lets process workers import task modules from `http:` or `https:` URLs (Deno children only);
   * without it such a pool is refused, since its children would run code from the network. Only
   * with `isolation: "process"`. Default: `false`.
   */
  allowRemoteModules?: boolean;
  /**
   * Adds the host thread as one more lane, which runs calls itself once the pool is busy enough
   * (see {@linkcode InlinerOptions}); with `threads: 0` it runs every call. Default: off.
   */
  inliner?: InlinerOptions;
  /**
   * Replaces a worker between calls once it has been given `afterCalls` calls or its heap has
   * passed `memoryBytes` (see {@linkcode RecycleOptions}). Default: never.
   */
  recycle?: RecycleOptions;
  /**
   * Keep run-time and wait-time distributions of each task's calls for `stats().tasks` (the
   * worker stamps each call's start and end; the host adds them to fixed histograms). It costs
   * three clock reads per call, which tasks of a microsecond notice. Default: false.
   */
  taskTimings?: boolean;
}

/**
 * The inline lane: calls that the host runs itself, in batches of at most `batchSize` per
 * macrotask, so its event loop is never held for more than one batch. An inline call behaves as
 * a worker's does (its argument and result cross the same codec, errors keep their class as far
 * as a worker's would, `signal`, `timeout` and `ctx.signal` work), except that a synchronous task
 * that ignores its signal cannot be stopped, and `isMain` is true inside it. Keyed calls
 * (`CallOptions.key`) stay with the workers, unless the pool has none.
 */
export interface InlinerOptions {
  /**
   * `"first"`: past the threshold, a call goes inline before any worker, while the host's next
   * batch has room. `"last"`: past the threshold, a call goes inline only when no worker is idle.
   * Default: `"last"`.
   */
  position?: "first" | "last";
  /** Most calls the host runs in one macrotask (a positive integer). Default: 32. */
  batchSize?: number;
  /**
   * Calls that must be in flight in the pool before a new one may go inline (a non-negative
   * integer). Default: 0.
   */
  dispatchThreshold?: number;
}

/**
 * When a worker is replaced (for tasks that leak, or whose caches only grow). Its replacement
 * starts at once; the old worker takes calls until the replacement is ready, then finishes the
 * calls it has and ends, so recycling neither fails a call nor makes one wait for a start-up.
 */
export interface RecycleOptions {
  /** Calls after which a worker is replaced (a positive integer). Default: no limit. */
  afterCalls?: number;
  /**
   * Bytes of JavaScript heap in use (as the worker last measured it: when it went idle, after its
   * idle garbage collection where the runtime has one, and every 256 calls while busy) past which
   * a worker is replaced. Default: no limit.
   */
  memoryBytes?: number;
}

/** Options of `close()`; a bad one rejects the promise `close()` returns. */
export interface CloseOptions {
  /**
   * Milliseconds (positive) to wait for running calls; then they reject and the workers end.
   * Default: no limit.
   */
  timeout?: number;
}

/**
 * What a call may pass for a task argument of type `A`: `A` itself, a promise of it, or, for a
 * task that reads an `AsyncIterable<T>`, any async iterable or web `ReadableStream` of `T`.
 */
export type ArgOf<A> = A extends AsyncIterable<infer T>
  ? A | AsyncIterable<T> | ReadableStream<T> | PromiseLike<A>
  : A | PromiseLike<A>;

/** Arguments of a call: the task's argument (optional when it takes none), then call options. */
export type CallArgs<A> = unknown extends A ? [arg?: ArgOf<A>, options?: CallOptions]
  : undefined extends A ? [arg?: ArgOf<A>, options?: CallOptions]
  : [arg: ArgOf<A>, options?: CallOptions];

/** A function that calls a task on a worker. */
export type TaskCall<A, R> = (...args: CallArgs<A>) => Promise<R>;

/**
 * The call of a generator task: an async iterator of the values it yields (pulled from the
 * worker only as fast as they are read, see `CallOptions.highWaterMark`) and a thenable of its
 * return value. `break` out of `for await` (or `return()`) stops the generator in the worker,
 * running its `finally` blocks, and resolves once they have run. Awaiting it without reading
 * discards the values and resolves with the return value.
 */
export interface StreamCall<Y, R> extends AsyncIterableIterator<Y>, PromiseLike<R> {
  /** The next value, or `{ done: true, value: <return value> }`; rejects with the task's error. */
  next(): Promise<IteratorResult<Y, R>>;
  /** Stops the generator in the worker; resolves once it has ended there. */
  return(): Promise<IteratorResult<Y, R>>;
  /** The same values as a web `ReadableStream`; cancelling it stops the generator. */
  readonly readable: ReadableStream<Y>;
}

/**
 * A duplex channel to one running task (`pool.open.<name>(arg)`): values sent with `send` (or
 * written to `writable`) arrive in the task's `ctx.input`; what the task yields is read as from a
 * {@linkcode StreamCall}. Closing either side is seen by the other.
 */
export interface Channel<I, Y, R> extends StreamCall<Y, R> {
  /** Sends a value to the task; resolves once it has gone (waits while the task lags a window). */
  send(value: I): Promise<void>;
  /** Ends the task's `ctx.input` once every value sent so far has gone. */
  close(): void;
  /** The task's input as a web `WritableStream`; aborting it fails `ctx.input` with the reason. */
  readonly writable: WritableStream<I>;
}

/**
 * What a task's result type `R` makes a call return: a stream for a generator task, else a
 * promise (also for `any` and `never`, which are not generators).
 */
export type CallResult<R> = 0 extends 1 & R ? Promise<R>
  : [R] extends [never] ? Promise<R>
  : [R] extends [AsyncGenerator<infer Y, infer Ret, infer _N>] ? StreamCall<Y, Ret>
  : [R] extends [Generator<infer Y, infer Ret, infer _N>] ? StreamCall<Y, Ret>
  : Promise<R>;

/** A function that calls a task on a worker: a promise, or a stream for a generator task. */
export type AnyTaskCall<A, R> = (...args: CallArgs<A>) => CallResult<R>;

/** The channel a task's result type `R` makes `open` return. */
export type ChannelOf<R> = 0 extends 1 & R ? Channel<unknown, unknown, R>
  : [R] extends [never] ? Channel<unknown, never, R>
  : [R] extends [AsyncGenerator<infer Y, infer Ret, infer _N>] ? Channel<unknown, Y, Ret>
  : [R] extends [Generator<infer Y, infer Ret, infer _N>] ? Channel<unknown, Y, Ret>
  : Channel<unknown, never, R>;

/** A function that opens a channel to a call of a task. */
export type TaskOpen<A, R> = (...args: CallArgs<A>) => ChannelOf<R>;
