/**
 * The code every weft worker runs: imports the task modules, resolves the task table, tells the
 * host it is ready, and runs the loop.
 *
 * A worker starts either on this module (weft loaded from its own files) or on a bundle that
 * contains weft (see `src/runtime/entry_url.ts`). `isMain` is computed by {@linkcode startWorker},
 * so a bundle carries this code whenever it uses weft (even where the package declares itself free
 * of side effects, and a bundler drops the modules it only imports). Either way the worker starts
 * when weft finds a weft pool's spawn data, once per thread (a task module may load a second copy
 * of weft), and never on the host. A bundle
 * is its own task module: importing it again resolves once it has finished evaluating, that is,
 * once it has defined its tasks.
 *
 * The start is not awaited at the top level: a module with top-level `await` could not be loaded
 * with `require()`, and neither could anything that imports it.
 *
 * @module
 */

import type { ParentPort } from "../runtime/adapter.ts";
import { runtime } from "../runtime/detect.ts";
import { WorkerLink } from "../transport/link.ts";
import { isWorkerInit, type WorkerInit, type WorkerMessage } from "./init.ts";
import { WorkerLoop } from "./loop.ts";
import { CallStamps } from "./call_stamps.ts";
import { resolveTask } from "./registry.ts";

const STARTED = Symbol.for("weft.workerStarted");

/** Tells the host why start-up failed. */
function bootError(
  post: (message: WorkerMessage) => void,
  err: unknown,
  module: string,
  bootstrap?: string,
): void {
  const e = err instanceof Error ? err : new Error(String(err));
  post({
    type: "boot-error",
    name: e.name,
    message: e.message,
    stack: e.stack ?? "",
    module,
    bootstrap,
  });
}

/**
 * Awaits the pool's bootstrap function, if it has one, with its data: before any task module is
 * imported, so what it sets up is there when they evaluate.
 * @returns false when it failed (the host has been told).
 */
async function bootstrap(
  init: WorkerInit,
  post: (message: WorkerMessage) => void,
): Promise<boolean> {
  const ref = init.bootstrap;
  if (ref === undefined) return true;
  let f: unknown;
  try {
    f = (await import(ref.href))[ref.name];
  } catch (err) {
    bootError(post, err, ref.href);
    return false;
  }
  if (typeof f !== "function") {
    const err = new TypeError(
      `Cannot run bootstrap: export "${ref.name}" of ${ref.href} is not a function, received ${typeof f}`,
    );
    bootError(post, err, ref.href, ref.name);
    return false;
  }
  try {
    await f(ref.data);
  } catch (err) {
    bootError(post, err, ref.href, ref.name);
    return false;
  }
  return true;
}

/**
 * Imports the task modules, in order.
 * @returns Their namespaces by URL, or undefined when one failed (the host has been told).
 */
async function boot(
  init: WorkerInit,
  post: (message: WorkerMessage) => void,
): Promise<Map<string, Record<string, unknown>> | undefined> {
  const namespaces = new Map<string, Record<string, unknown>>();
  for (const module of init.modules) {
    try {
      namespaces.set(module, await import(module));
    } catch (err) {
      bootError(post, err, module);
      return undefined;
    }
  }
  return namespaces;
}

async function start(init: WorkerInit, port: ParentPort): Promise<void> {
  runtime.guardWorker();
  const post = (message: WorkerMessage) => port.postMessage(message);
  // A listening port keeps the worker's event loop alive while the loop is parked in
  // `Atomics.waitAsync`, which by itself does not (on any of the three runtimes). Items that come
  // before the loop exists (those of calls sent while this worker starts) wait for it.
  let loop: WorkerLoop | undefined = undefined;
  const early: unknown[] = [];
  // The control channel carries nothing to the worker; its listener only keeps the loop alive.
  port.onMessage(() => {});
  port.onData((message) => {
    if (loop === undefined) early.push(message);
    else loop.onMessage(message);
  });
  if (!await bootstrap(init, post)) return;
  const namespaces = await boot(init, post);
  if (namespaces === undefined) return;
  const tasks = init.tasks.map((ref) => resolveTask(ref, namespaces));
  const link = new WorkerLink(init.buffers);
  loop = new WorkerLoop(link, tasks, {
    spinMicroseconds: init.spinMicroseconds,
    parkMicroseconds: init.parkMicroseconds,
    gc: init.gcOnIdle ? runtime.gc : undefined,
    outOfBand: runtime.outOfBand,
    decoding: runtime.decoding,
    data: port,
    measure: init.measureHeap ? () => link.reportHeap(runtime.heapUsedBytes()) : undefined,
    stamps: init.stamps && new CallStamps(init.stamps),
  }, () => {});
  for (const message of early.splice(0)) loop.onMessage(message);
  post({ type: "ready" });
  loop.run();
}

/**
 * Starts this thread's worker if it is a weft worker whose worker has not started yet.
 * @returns Whether this thread is a weft worker.
 */
export function startWorker(): boolean {
  const data = runtime.workerData();
  const port = runtime.parentPort();
  if (!isWorkerInit(data) || port === undefined) return false;
  const flags = globalThis as { [STARTED]?: boolean };
  if (flags[STARTED] !== true) {
    flags[STARTED] = true;
    void start(data, port);
  }
  return true;
}

startWorker();
