/**
 * The module every weft worker starts on: imports the task modules, resolves the task table,
 * tells the host it is ready, and runs the loop.
 *
 * @module
 */

import { runtime } from "../runtime/detect.ts";
import { WorkerLink } from "../transport/link.ts";
import { isWorkerInit, type WorkerInit, type WorkerMessage } from "./init.ts";
import { WorkerLoop } from "./loop.ts";
import { resolveTask } from "./registry.ts";

const data = runtime.workerData();
const port = runtime.parentPort();
if (!isWorkerInit(data) || port === undefined) {
  throw new TypeError("Cannot start weft worker: it was not spawned by a weft pool");
}
const init: WorkerInit = data;

function post(message: WorkerMessage): void {
  port!.postMessage(message);
}

async function boot(): Promise<boolean> {
  for (const module of init.modules) {
    try {
      await import(module);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      post({
        type: "boot-error",
        name: e.name,
        message: e.message,
        stack: e.stack ?? "",
        module,
      });
      return false;
    }
  }
  return true;
}

// A listening port keeps the worker's event loop alive while the loop is parked in
// `Atomics.waitAsync`, which by itself does not (on any of the three runtimes). Items that come
// before the loop exists (those of calls sent while this worker starts) wait for it.
let loop: WorkerLoop | undefined;
const early: unknown[] = [];
// The control channel carries nothing to the worker; its listener only keeps the loop alive too.
port.onMessage(() => {});
port.onData((message) => {
  if (loop === undefined) early.push(message);
  else loop.onMessage(message);
});

if (await boot()) {
  const tasks = init.tasks.map(resolveTask);
  loop = new WorkerLoop(new WorkerLink(init.buffers), tasks, {
    spinMicroseconds: init.spinMicroseconds,
    parkMicroseconds: init.parkMicroseconds,
    gc: init.gcOnIdle ? runtime.gc : undefined,
    outOfBand: runtime.outOfBand,
    data: port,
  }, () => {});
  for (const message of early.splice(0)) loop.onMessage(message);
  post({ type: "ready" });
  loop.run();
}
