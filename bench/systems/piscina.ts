/**
 * piscina at its recommended settings: defaults (Atomics wake-ups on), with `minThreads` and
 * `maxThreads` both set to the thread count so that no worker is started or reaped mid-run.
 *
 * @module
 */

import { importNpm } from "../lib/import_npm.ts";
import type { Client } from "./types.ts";

interface PiscinaPool {
  run(arg: unknown, options: { name: string }): Promise<unknown>;
  destroy(): Promise<void>;
}

interface PiscinaModule {
  Piscina: new (
    options: { filename: string; minThreads: number; maxThreads: number },
  ) => PiscinaPool;
}

/** Starts a piscina pool of `threads` workers. */
export async function startPiscina(threads: number): Promise<Client> {
  const { Piscina } = await importNpm<PiscinaModule>("piscina");
  const pool = new Piscina({
    filename: new URL("../fixtures/peer_tasks.ts", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    call: (op, arg) => pool.run(arg, { name: op }),
    close: () => pool.destroy(),
  };
}
