/**
 * What every benchmarked system provides: start a pool (or worker, or server) and call an
 * operation on it, or stream items from it. The workloads are written against this interface
 * only.
 *
 * @module
 */

import type { Op } from "../fixtures/ops.ts";

export type { Op };

/** A stream's items: the numbers 0 .. n-1 when `bytes` is 0, else `n` chunks of `bytes` bytes. */
export interface StreamRequest {
  n: number;
  bytes: number;
}

/** A started system. */
export interface Client {
  /** Runs `op` with `arg` on the system's worker and resolves with the result. */
  call(op: Op, arg: unknown): Promise<unknown>;
  /** Streams `request`'s items from the worker (systems in the streams workload only). */
  stream?(request: StreamRequest): AsyncIterable<unknown>;
  /** Stops the system; resolves once it has stopped. */
  close(): Promise<void>;
}

/** Starts a system with `threads` workers. Resolves as soon as calls may be made. */
export type StartSystem = (threads: number) => Promise<Client>;
