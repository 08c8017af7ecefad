/**
 * Starts the HTTP + WebSocket server of this runtime in a worker thread and resolves with its
 * loopback port. Used by the HTTP and WebSocket systems.
 *
 * @module
 */

import { spawnThread, type Thread } from "../lib/thread.ts";

/** A running server thread. */
export interface ServerThread {
  port: number;
  thread: Thread;
}

/** Spawns the server thread and waits for it to listen. */
export async function startServerThread(): Promise<ServerThread> {
  const thread = await spawnThread(
    new URL("../fixtures/server_worker.ts", import.meta.url),
  );
  const port = await new Promise<number>((resolve) => {
    thread.onMessage((message) => resolve((message as { port: number }).port));
  });
  return { port, thread };
}
