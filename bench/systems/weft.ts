/**
 * weft, the system under test: `createPool({ threads })` with default options, on worker threads
 * (`weft`) or process workers (`weft-process`, `isolation: "process"`).
 *
 * @module
 */

import { createPool } from "../../mod.ts";
import {
  busyTask,
  chunksTask,
  echoTask,
  helloTask,
  incTask,
  numbersTask,
  primesTask,
} from "../fixtures/weft_tasks.ts";
import type { Client, Op } from "./types.ts";

/** Starts a weft pool of `threads` thread workers. */
export function startWeft(threads: number): Promise<Client> {
  return start(threads, "thread");
}

/** Starts a weft pool of `threads` process workers. */
export function startWeftProcess(threads: number): Promise<Client> {
  return start(threads, "process");
}

function start(threads: number, isolation: "thread" | "process"): Promise<Client> {
  const pool = createPool({ threads, isolation })({
    inc: incTask,
    hello: helloTask,
    echo: echoTask,
    busy: busyTask,
    primes: primesTask,
    numbers: numbersTask,
    chunks: chunksTask,
  });
  const calls = pool.call as unknown as Record<
    Op,
    (arg: unknown) => Promise<unknown>
  >;
  return Promise.resolve({
    call: (op, arg) => calls[op](arg),
    stream: ({ n, bytes }) => bytes === 0 ? pool.call.numbers(n) : pool.call.chunks([n, bytes]),
    close: () => pool.shutdown(),
  });
}
