/**
 * The one interface behind which each runtime (Deno, Node, Bun) sits. Everything above
 * `src/runtime/` talks to workers through it and never touches a runtime global.
 *
 * @module
 */

import type { DecodeTuning } from "../memory/decode_tuning.ts";
import type { OutOfBandPolicy } from "../memory/out_of_band.ts";
import type { DataEnd } from "../transport/items_channel.ts";
import type { Permissions } from "./permissions.ts";

/**
 * One end of a worker's data channel, which carries calls' out-of-band items (see
 * `src/memory/out_of_band.ts`); call data itself goes through shared memory. The host's end
 * never keeps the process alive.
 */
export interface DataChannelEnd extends DataEnd {
  /** Items the event loop delivers (those not taken with `receiveData` first). */
  onData(listener: (message: unknown) => void): void;
}

/** A worker thread as the host sees it. */
export interface WorkerHandle extends DataChannelEnd {
  /** Sends a control message. */
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Control messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /** An uncaught error that ended the worker. */
  onError(listener: (error: unknown) => void): void;
  /** The worker is gone; `code` is its exit code. */
  onExit(listener: (code: number) => void): void;
  /** Lets the worker keep the process alive (calls are in flight). */
  ref(): void;
  /** Stops the worker from keeping the process alive. */
  unref(): void;
  /** Ends the worker; resolves once it is gone. */
  terminate(): Promise<void>;
}

/** Node's per-worker memory limits (`worker_threads` `resourceLimits`); other runtimes ignore them. */
export interface ResourceLimits {
  /** Max size of the main heap in MB. */
  maxOldGenerationSizeMb?: number;
  /** Max size of the heap space for recently created objects in MB. */
  maxYoungGenerationSizeMb?: number;
  /** Size of the pre-allocated memory range for generated code in MB. */
  codeRangeSizeMb?: number;
  /** Default max stack size for the thread in MB. */
  stackSizeMb?: number;
}

/** What a worker's process-level view is made of (`worker_threads` options). */
export interface WorkerProcessOptions {
  /**
   * The worker's `process.env` (its whole environment, not merged with the host's). Default: a
   * copy of the host's at spawn.
   */
  env?: Record<string, string>;
  /** Appended to the worker's `process.argv`. Default: none. */
  argv?: string[];
  /** The worker's `process.execArgv` (Node applies per-thread flags; others only show them). */
  execArgv?: string[];
}

/** How a worker is started. */
export interface SpawnOptions extends WorkerProcessOptions {
  /** Memory limits, where the runtime supports them (Node; elsewhere a warning, once). */
  resourceLimits?: ResourceLimits;
  /** Readable in the worker through {@linkcode Runtime.workerData}. */
  workerData: unknown;
  /** Thread name, for debuggers. */
  name: string;
  /**
   * What the worker may do, where the runtime enforces it on threads (Deno: through its Web
   * Worker); `createPool` refuses permissions elsewhere. Default: the host's own.
   */
  permissions?: Permissions;
  /** The task modules the worker imports: with `permissions`, it may read or import them. */
  modules?: readonly string[];
}

/** The worker's channels back to the host: control messages, and out-of-band items. */
export interface ParentPort extends DataChannelEnd {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Everything runtime-specific that weft needs. */
export interface Runtime {
  /** Which runtime this is. */
  readonly name: "deno" | "node" | "bun";
  /** Starts a worker on the module at `url`. */
  spawn(url: URL, options: SpawnOptions): WorkerHandle;
  /** Inside a worker: the channel to the host. Undefined on the main thread. */
  parentPort(): ParentPort | undefined;
  /** Inside a worker: the data given at spawn. */
  workerData(): unknown;
  /**
   * Inside a worker, before any task module loads: refuses the process-wide calls through which
   * a task could end the host or the other workers (see `src/runtime/worker_guards.ts`).
   */
  guardWorker(): void;
  /** Threads the machine offers this process. */
  availableParallelism(): number;
  /** A garbage collection, where the runtime exposes one. */
  readonly gc: (() => void) | undefined;
  /** From which sizes copies and strings are cheaper through the data channel than a mailbox. */
  readonly outOfBand: OutOfBandPolicy;
  /** How the decoders go around this runtime's slow paths. */
  readonly decoding: DecodeTuning;
  /**
   * Runs `task` in a macrotask of its own, once the event loop has had a turn (timers and I/O run
   * first), without the clamping of a nested `setTimeout(0)`.
   */
  macrotask(task: () => void): void;
  /**
   * Runs `task` after `ms` milliseconds, on a timer that does not keep the process alive (an idle
   * pool's own housekeeping must not).
   * @returns A function that cancels the timer.
   */
  backgroundTimer(task: () => void, ms: number): () => void;
  /** Bytes in use on this thread's JavaScript heap, read cheaply (for `recycle.memoryBytes`). */
  heapUsedBytes(): number;
}
