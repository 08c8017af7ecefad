/**
 * A local WebSocket server doing the same work: the runtime's built-in server (the `ws` package
 * on Node) in a worker thread, called through the built-in `WebSocket` client over 127.0.0.1.
 * One connection per operation; the server answers in order, so a FIFO of pending calls per
 * connection pairs each reply with its call.
 *
 * @module
 */

import type { Op } from "../fixtures/ops.ts";
import { startServerThread } from "./server_thread.ts";
import type { Client } from "./types.ts";

interface Connection {
  socket: WebSocket;
  /** Resolvers of calls sent and not yet answered, oldest first. */
  waiting: ((value: unknown) => void)[];
  /** Index of the oldest live entry in `waiting`: entries before it are answered. */
  head: number;
}

function connect(url: string, op: Op): Promise<Connection> {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const connection: Connection = { socket, waiting: [], head: 0 };
  socket.onmessage = (event: MessageEvent) => {
    const data = event.data;
    const value = typeof data === "string"
      ? (op === "inc" ? Number(data) : data)
      : new Uint8Array(data as ArrayBuffer);
    const resolve = connection.waiting[connection.head++];
    if (connection.head === connection.waiting.length) {
      connection.waiting.length = 0;
      connection.head = 0;
    }
    resolve(value);
  };
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(connection);
    socket.onerror = () => reject(new Error(`Cannot connect WebSocket: failed, received ${url}`));
  });
}

/** Starts the server thread; `threads` is ignored (one server thread). */
export async function startWebSocket(_threads: number): Promise<Client> {
  const { port, thread } = await startServerThread();
  const connections = new Map<Op, Promise<Connection>>();
  return {
    call: async (op, arg) => {
      let pending = connections.get(op);
      if (pending === undefined) {
        pending = connect(`ws://127.0.0.1:${port}/${op}`, op);
        connections.set(op, pending);
      }
      const connection = await pending;
      return new Promise((resolve) => {
        connection.waiting.push(resolve);
        connection.socket.send(arg instanceof Uint8Array ? arg : String(arg));
      });
    },
    close: async () => {
      for (const pending of connections.values()) {
        (await pending).socket.close();
      }
      await thread.terminate();
    },
  };
}
