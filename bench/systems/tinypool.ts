/**
 * tinypool at its recommended settings: defaults (Atomics on, workers reused), with `minThreads`
 * and `maxThreads` both set to the thread count.
 *
 * @module
 */

import { importNpm } from "../lib/import_npm.ts";
import type { Client } from "./types.ts";

interface TinypoolPool {
  run(arg: unknown, options: { name: string }): Promise<unknown>;
  destroy(): Promise<void>;
}

interface TinypoolModule {
  default: new (
    options: { filename: string; minThreads: number; maxThreads: number },
  ) => TinypoolPool;
}

/** Starts a tinypool pool of `threads` workers. */
export async function startTinypool(threads: number): Promise<Client> {
  const { default: Tinypool } = await importNpm<TinypoolModule>("tinypool");
  const pool = new Tinypool({
    filename: new URL("../fixtures/peer_tasks.ts", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    call: (op, arg) => pool.run(arg, { name: op }),
    close: () => pool.destroy(),
  };
}
