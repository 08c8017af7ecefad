/**
 * Picks the runtime adapter, in one place. Deno and Bun are told apart by their globals; anything
 * else is taken to be Node.
 *
 * @module
 */

import type { Runtime } from "./adapter.ts";
import { workerThreadsRuntime } from "./worker_threads.ts";

interface BunGlobal {
  gc(force: boolean): void;
}

function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === "function" ? () => gc() : undefined;
}

function detect(): Runtime {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (bun !== undefined) return workerThreadsRuntime("bun", () => bun.gc(false));
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
    return workerThreadsRuntime("deno", exposedGc());
  }
  return workerThreadsRuntime("node", exposedGc());
}

/** The runtime weft runs on. */
export const runtime: Runtime = detect();
