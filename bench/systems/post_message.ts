/**
 * The baseline: a raw worker (Deno's Web Worker, `node:worker_threads` on Node and Bun) with a
 * request-id map, one `postMessage` per call. With several threads, calls go round-robin.
 *
 * @module
 */

import type { PmRequest } from "../fixtures/pm_worker.ts";
import { spawnThread, type Thread } from "../lib/thread.ts";
import type { Client } from "./types.ts";

interface Pending {
  resolve(value: unknown): void;
}

/** Starts `threads` raw postMessage workers. */
export async function startPostMessage(threads: number): Promise<Client> {
  const url = new URL("../fixtures/pm_worker.ts", import.meta.url);
  const workers: Thread[] = [];
  const pending = new Map<number, Pending>();
  for (let i = 0; i < threads; i++) {
    const worker = await spawnThread(url);
    worker.onMessage((message) => {
      const { id, result } = message as { id: number; result: unknown };
      const entry = pending.get(id);
      pending.delete(id);
      entry?.resolve(result);
    });
    workers.push(worker);
  }
  let nextId = 0;
  return {
    call: (op, arg) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { resolve });
        const request: PmRequest = { id, op, arg };
        workers[id % workers.length].post(request);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
