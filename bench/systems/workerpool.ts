/**
 * workerpool at its recommended settings for Node: `workerType: "thread"` (worker_threads) and
 * `maxWorkers` set to the thread count.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { importNpm } from "../lib/import_npm.ts";
import type { Client } from "./types.ts";

interface WorkerpoolPool {
  exec(method: string, params: unknown[]): Promise<unknown>;
  terminate(): Promise<void>;
}

interface WorkerpoolModule {
  default: {
    pool(
      script: string,
      options: { maxWorkers: number; workerType: string },
    ): WorkerpoolPool;
  };
}

/** Starts a workerpool pool of `threads` worker threads. */
export async function startWorkerpool(threads: number): Promise<Client> {
  const { default: workerpool } = await importNpm<WorkerpoolModule>(
    "workerpool",
  );
  const script = fileURLToPath(
    new URL("../fixtures/workerpool_worker.ts", import.meta.url),
  );
  const pool = workerpool.pool(script, {
    maxWorkers: threads,
    workerType: "thread",
  });
  return {
    call: (op, arg) => pool.exec(op, [arg]),
    close: () => pool.terminate(),
  };
}
