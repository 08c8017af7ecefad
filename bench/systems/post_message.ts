/**
 * The baseline: a raw worker (Deno's Web Worker, `node:worker_threads` on Node and Bun) with a
 * request-id map, one `postMessage` per call. With several threads, calls go round-robin. Its
 * streams come from a second raw worker posting one message per item, read from the port
 * (`stream_baseline.ts`); the ReadableStream system reads the same messages through a web
 * `ReadableStream` and makes no calls.
 *
 * @module
 */

import type { PmRequest } from "../fixtures/pm_worker.ts";
import { spawnThread, type Thread } from "../lib/thread.ts";
import { lazyStreamWorker, portItems, streamItems } from "./stream_baseline.ts";
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
  const streamer = lazyStreamWorker();
  let nextId = 0;
  return {
    call: (op, arg) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { resolve });
        const request: PmRequest = { id, op, arg };
        workers[id % workers.length].post(request);
      }),
    stream: (request) => portItems(streamer, request),
    close: async () => {
      await Promise.all([...workers.map((w) => w.terminate()), streamer.close()]);
    },
  };
}

/** Starts the stream worker only (`threads` is ignored): its items come through a ReadableStream. */
export function startReadableStream(_threads: number): Promise<Client> {
  const streamer = lazyStreamWorker();
  return Promise.resolve({
    call: (op) =>
      Promise.reject(
        new TypeError(
          `Cannot call on the ReadableStream baseline: it only streams, received ${op}`,
        ),
      ),
    stream: (request) => streamItems(streamer, request),
    close: () => streamer.close(),
  });
}
