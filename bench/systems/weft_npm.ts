/**
 * weft as Node and Bun users install it: the npm package built into `npm/` (one bundled module,
 * where the `weft` system loads the TypeScript sources, one module per file). Its worker loads
 * weft as that one module too. Start-up and tiny calls only: the rest is the same code.
 *
 * @module
 */

import { helloTask, incTask } from "../fixtures/weft_npm_tasks.ts";
import type { Client, Op } from "./types.ts";

// Loaded before any pool starts, as the `weft` system's static import is.
const specifier: string = new URL("../../npm/esm/mod.js", import.meta.url).href;
const { createPool } = await import(specifier) as typeof import("../../mod.ts");

/** Starts a pool of `threads` thread workers from the npm package. */
export function startWeftNpm(threads: number): Promise<Client> {
  const pool = createPool({ threads })({ inc: incTask, hello: helloTask });
  const calls = pool.call as unknown as Record<Op, (arg: unknown) => Promise<unknown>>;
  return Promise.resolve({
    call: (op, arg) => calls[op](arg),
    close: () => pool.shutdown(),
  });
}
