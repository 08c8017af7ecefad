/**
 * What the host hands a worker at spawn, and the control messages the worker sends back. Call
 * traffic never uses these: it goes through the shared link.
 *
 * @module
 */

import type { LinkBuffers } from "../memory/region.ts";
import type { ResourceLimits } from "../runtime/adapter.ts";
import type { TaskRef } from "./registry.ts";

/** Marks weft's own workers in `workerData`. */
export const WORKER_MARK = "weft.worker.v1";

/** A function that each worker awaits before it imports the task modules. */
export interface BootstrapRef {
  /** Absolute URL of the module that exports it. */
  href: string;
  /** The export's name. */
  name: string;
  /** Its argument. */
  data: unknown;
}

/** Spawn data of a weft worker. */
export interface WorkerInit {
  mark: typeof WORKER_MARK;
  buffers: LinkBuffers;
  /** Module URLs to import, in order. */
  modules: string[];
  /** Task table; a request's task index points into it. */
  tasks: TaskRef[];
  spinMicroseconds: number;
  parkMicroseconds: number;
  gcOnIdle: boolean;
  /** Report the heap in use through the link (the pool recycles workers by memory). */
  measureHeap: boolean;
  /** Run first, if set. */
  bootstrap: BootstrapRef | undefined;
  /** The call stamps buffer (`CALL_STAMPS_BYTES`), when the pool keeps task timings. */
  stamps?: SharedArrayBuffer;
}

/** What a process worker's child needs to start its own worker (see `relay_entry.ts`). */
export interface ChildInit {
  modules: string[];
  tasks: TaskRef[];
  spinMicroseconds: number;
  parkMicroseconds: number;
  gcOnIdle: boolean;
  payloadInitialBytes: number;
  payloadMaxByteLength: number;
  resourceLimits: ResourceLimits | undefined;
  /** Milliseconds a timed-out task has to stop before the child ends its thread. */
  timeoutGrace: number;
  /** The worker's index in the host's pool, which the child's crash messages name. */
  index: number;
  /**
   * The module the child's thread starts on: the host's own worker entry, so that in the npm
   * package it is the bundle that the task modules import too, not a second copy of weft.
   */
  entry: string;
}

/** Control messages from a worker. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "respawned" }
  | {
    type: "boot-error";
    name: string;
    message: string;
    stack: string;
    module: string;
    /** Set when the bootstrap failed (not an import): what failed. */
    bootstrap?: string;
  };

/** True when `data` is the spawn data of a weft worker. */
export function isWorkerInit(data: unknown): data is WorkerInit {
  return typeof data === "object" && data !== null &&
    (data as { mark?: unknown }).mark === WORKER_MARK;
}
