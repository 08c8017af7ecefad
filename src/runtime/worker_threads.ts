/**
 * Workers through `node:worker_threads`, which Node, Deno and Bun all provide. It is the one
 * worker API of the three that can `unref()` a worker on every runtime (Deno's Web Worker cannot),
 * which weft needs so an idle pool does not keep the process alive. Call traffic never uses its
 * `postMessage`, so the slow copies of Deno's implementation do not matter here.
 *
 * @module
 */

import { availableParallelism as osParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { ParentPort, Runtime, SpawnOptions, WorkerHandle } from "./adapter.ts";

class ThreadHandle implements WorkerHandle {
  readonly #worker: Worker;
  #exited = false;
  readonly #gone: Promise<void>;

  constructor(url: URL, options: SpawnOptions) {
    this.#worker = new Worker(url, {
      workerData: options.workerData,
      name: options.name,
      resourceLimits: options.resourceLimits,
    });
    this.#gone = new Promise((resolve) => {
      this.#worker.once("exit", () => {
        this.#exited = true;
        resolve();
      });
    });
  }

  postMessage(message: unknown, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(message, transfer);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#worker.on("message", listener);
  }

  onError(listener: (error: unknown) => void): void {
    this.#worker.on("error", listener);
  }

  onExit(listener: (code: number) => void): void {
    this.#worker.on("exit", listener);
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }

  async terminate(): Promise<void> {
    // An unref'd worker does not hold the event loop open: without this, a process whose only
    // work left is awaiting the worker's end could exit first, leaving that promise pending.
    if (!this.#exited) {
      this.#worker.ref();
      await this.#worker.terminate();
    }
    await this.#gone;
  }
}

const port: ParentPort | undefined = parentPort
  ? {
    postMessage: (message, transfer) => parentPort!.postMessage(message, transfer),
    onMessage: (listener) => {
      parentPort!.on("message", listener);
    },
  }
  : undefined;

/**
 * A {@linkcode Runtime} over `node:worker_threads`.
 * @param name The runtime's name.
 * @param gc Its garbage collection hook, if it exposes one.
 */
export function workerThreadsRuntime(
  name: Runtime["name"],
  gc: (() => void) | undefined,
): Runtime {
  return {
    name,
    gc,
    spawn: (url, options) => new ThreadHandle(url, options),
    parentPort: () => (isMainThread ? undefined : port),
    workerData: () => (isMainThread ? undefined : workerData),
    availableParallelism: () => osParallelism(),
  };
}
