/**
 * A worker thread with a message port, the same on every runtime: Deno's native Web Worker (its
 * `node:worker_threads` copies large messages far more slowly, DESIGN.md section 3) and
 * `node:worker_threads` on Node and Bun. The postMessage baseline and the HTTP/WebSocket server
 * threads use it.
 *
 * @module
 */

import { RUNTIME } from "./runtime_info.ts";

/** The host's handle on one worker thread. */
export interface Thread {
  /** Posts a message (structured clone) to the worker. */
  post(message: unknown): void;
  /** Sets the one handler of messages from the worker. */
  onMessage(handler: (message: unknown) => void): void;
  /** Stops the worker; resolves once it is gone (at once on Deno, which has no exit event). */
  terminate(): Promise<void>;
}

/** Starts a worker thread that runs the module at `url`. */
export async function spawnThread(url: URL): Promise<Thread> {
  if (RUNTIME === "deno") {
    const worker = new Worker(url.href, { type: "module" });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.onmessage = (event: MessageEvent) => handler(event.data);
      },
      terminate: () => {
        worker.terminate();
        return Promise.resolve();
      },
    };
  }
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const worker = new NodeWorker(url);
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (handler) => {
      worker.removeAllListeners("message");
      worker.on("message", handler);
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/**
 * Worker side: calls `handler` with each message from the host; `reply` posts back.
 * @param handler Message handler.
 */
export async function onHostMessage(
  handler: (message: unknown, reply: (message: unknown) => void) => void,
): Promise<void> {
  if (RUNTIME === "deno") {
    const reply = (message: unknown) => self.postMessage(message);
    self.onmessage = (event: MessageEvent) => handler(event.data, reply);
    return;
  }
  const { parentPort } = await import("node:worker_threads");
  if (parentPort === null) {
    throw new TypeError("Cannot serve messages: not in a worker thread");
  }
  const port = parentPort;
  const reply = (message: unknown) => port.postMessage(message);
  port.on("message", (message: unknown) => handler(message, reply));
}

/** Worker side: posts `message` to the host. */
export async function postToHost(message: unknown): Promise<void> {
  if (RUNTIME === "deno") {
    self.postMessage(message);
    return;
  }
  const { parentPort } = await import("node:worker_threads");
  if (parentPort === null) {
    throw new TypeError("Cannot post to host: not in a worker thread");
  }
  parentPort.postMessage(message);
}
