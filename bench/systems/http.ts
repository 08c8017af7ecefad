/**
 * A local HTTP server doing the same work: the runtime's built-in server in a worker thread,
 * called with the built-in `fetch` over 127.0.0.1 (keep-alive connections).
 *
 * @module
 */

import { startServerThread } from "./server_thread.ts";
import type { Client } from "./types.ts";

/** Starts the server thread; `threads` is ignored (one server thread). */
export async function startHttp(_threads: number): Promise<Client> {
  const { port, thread } = await startServerThread();
  const base = `http://127.0.0.1:${port}/`;
  return {
    call: async (op, arg) => {
      const binary = arg instanceof Uint8Array;
      const response = await fetch(base + op, {
        method: "POST",
        headers: {
          "content-type": binary ? "application/octet-stream" : "text/plain",
        },
        body: binary ? arg as BodyInit : String(arg),
      });
      if (binary) return new Uint8Array(await response.arrayBuffer());
      const text = await response.text();
      return op === "inc" ? Number(text) : text;
    },
    close: () => thread.terminate(),
  };
}
