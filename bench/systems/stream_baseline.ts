/**
 * The streams workload's baselines: a raw worker (`fixtures/stream_worker.ts`) posts one message
 * per item, and the host reads them either straight from its port through a queue
 * (`portItems`, the postMessage system) or through a web `ReadableStream` (`streamItems`, the
 * ReadableStream system). Neither has backpressure: the worker posts as fast as it can.
 *
 * The worker is started on the first stream, so that the systems' other workloads run without it.
 * One stream at a time: each sets the worker's one message handler.
 *
 * @module
 */

import { spawnThread, type Thread } from "../lib/thread.ts";
import type { StreamRequest } from "./types.ts";

const WORKER = new URL("../fixtures/stream_worker.ts", import.meta.url);

/** The stream worker of one system, started on first use. */
export interface StreamWorker {
  /** The worker, started by the first call. */
  thread(): Promise<Thread>;
  /** Stops the worker if it was started. */
  close(): Promise<void>;
}

/** A stream worker that starts on first use. */
export function lazyStreamWorker(): StreamWorker {
  let started: Promise<Thread> | undefined;
  return {
    thread: () => started ??= spawnThread(WORKER),
    close: async () => {
      if (started !== undefined) await (await started).terminate();
    },
  };
}

/** Yields the worker's messages of `request` as they come, from a queue. */
export function portItems(
  worker: StreamWorker,
  request: StreamRequest,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const queue: unknown[] = [];
      let head = 0;
      let wake: (() => void) | undefined;
      // Not awaited per item: until the worker is up the queue is empty, and next() waits.
      void worker.thread().then((thread) => {
        thread.onMessage((message) => {
          queue.push(message);
          wake?.();
        });
        thread.post(request);
      });
      return {
        async next(): Promise<IteratorResult<unknown>> {
          while (head === queue.length) {
            await new Promise<void>((r) => (wake = r));
          }
          const value = queue[head];
          queue[head++] = undefined;
          // Compact now and then: the consumed front would otherwise keep growing the array.
          if (head > 4096 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          return value === "end" ? { value, done: true } : { value, done: false };
        },
      };
    },
  };
}

/** The worker's messages of `request` through a web `ReadableStream`, read with its reader. */
export async function* streamItems(
  worker: StreamWorker,
  request: StreamRequest,
): AsyncIterable<unknown> {
  const thread = await worker.thread();
  const stream = new ReadableStream<unknown>({
    start(controller) {
      thread.onMessage((message) => {
        if (message === "end") controller.close();
        else controller.enqueue(message);
      });
      thread.post(request);
    },
  });
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return;
    yield r.value;
  }
}
