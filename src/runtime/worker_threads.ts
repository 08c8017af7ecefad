/**
 * Workers through `node:worker_threads`, which Node, Deno and Bun all provide. It is the one
 * worker API of the three that can `unref()` a worker on every runtime (Deno's Web Worker cannot),
 * which weft needs so an idle pool does not keep the process alive. Only control messages use its
 * `postMessage`: Deno's implementation copies typed arrays at about 10 MB/s, even ones it is told
 * to move. Out-of-band call data goes through a web `MessageChannel` made per worker, whose port
 * the worker receives in its `workerData`; every runtime moves buffers through it at full speed.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import process from "node:process";
import { clearTimeout, setImmediate, setTimeout } from "node:timers";
import {
  isMainThread,
  parentPort,
  receiveMessageOnPort,
  Worker,
  workerData,
} from "node:worker_threads";
import { type DecodeTuning, PLAIN_DECODING } from "../memory/decode_tuning.ts";
import type { OutOfBandPolicy } from "../memory/out_of_band.ts";
import type { ParentPort, ResourceLimits, Runtime, SpawnOptions, WorkerHandle } from "./adapter.ts";
import { builtin } from "./builtin.ts";
import { compileCacheEnv } from "./compile_cache.ts";
import { guardWorker } from "./worker_guards.ts";

/**
 * One end of a web `MessageChannel`, as much of it as weft uses (typed here because Node's and
 * Deno's type libraries describe the global differently). Node's and Bun's ports, and Deno's web
 * ports, can stop holding the event loop open with `unref`.
 */
export interface DataPort {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
  unref?: () => void;
}

/** What the worker receives as `workerData`: the pool's data and the data channel's far end. */
interface Wrapped {
  data: unknown;
  port: DataPort;
}

class ThreadHandle implements WorkerHandle {
  readonly #worker: Worker;
  readonly #data: DataPort;
  #exited = false;
  readonly #gone: Promise<void>;

  constructor(
    url: URL,
    options: SpawnOptions,
    runtimeName: Runtime["name"],
    env: Record<string, string | undefined> | undefined,
  ) {
    const channel = new MessageChannel() as unknown as { port1: DataPort; port2: DataPort };
    this.#data = channel.port1;
    const wrapped: Wrapped = { data: options.workerData, port: channel.port2 };
    this.#worker = new Worker(loadable(url), {
      workerData: wrapped,
      transferList: [channel.port2 as never],
      name: options.name,
      resourceLimits: appliedLimits(runtimeName, options.resourceLimits),
      // The pool's `worker.env` as given; else undefined keeps the default (a copy of the host's
      // environment), or Node's compile cache setting on top of it.
      env: options.env ?? env,
      argv: options.argv,
      execArgv: options.execArgv,
    });
    this.#gone = new Promise((resolve) => {
      this.#worker.once("exit", () => {
        this.#exited = true;
        this.#data.close();
        resolve();
      });
    });
  }

  postData(message: unknown, transfer: ArrayBuffer[]): void {
    this.#data.postMessage(message, transfer);
  }

  onData(listener: (message: unknown) => void): void {
    this.#data.onmessage = (event) => listener(event.data);
    // Setting the listener refs the port: the worker's own ref decides whether the process waits.
    this.#data.unref?.();
  }

  receiveData(): unknown {
    return receiveFrom(this.#data);
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

let warnedLimits = false;

function warnOnce(message: string): void {
  if (warnedLimits) return;
  warnedLimits = true;
  console.warn(message);
}

/**
 * The part of `limits` that the runtime applies, with a warning, once per process, for the rest.
 * Checked on Deno 2.9.6 and Bun 1.4.5 with `worker_threads`: Bun applies none of them (a worker
 * limited to 16 MB of old generation kept 3 million objects); Deno applies the heap limit (that
 * worker ran out of memory, as on Node) but not the stack size as Node does: `stackSizeMb: 1`
 * aborted the whole process with a native stack overflow, and 4 gave less depth than 2. So on Deno
 * `stackSizeMb` is left out.
 */
function appliedLimits(
  name: Runtime["name"],
  limits: ResourceLimits | undefined,
): ResourceLimits | undefined {
  if (limits === undefined || name === "node") return limits;
  if (name === "bun") {
    warnOnce(
      "weft: resourceLimits are ignored on Bun (they apply on Node, and on Deno but for stackSizeMb): these workers run without those limits",
    );
    return undefined;
  }
  if (limits.stackSizeMb === undefined) return limits;
  warnOnce(
    "weft: resourceLimits.stackSizeMb is left out on Deno, whose workers crash the process with it; the heap limits apply",
  );
  const { stackSizeMb: _, ...heap } = limits;
  return heap;
}

/**
 * The URL to start a worker on for the module at `url`. `worker_threads` starts workers only on
 * `file:` and `data:` URLs; a module elsewhere (Deno importing weft from `https:`, as JSR users
 * do) is started through a one-line `data:` module that imports it. The worker is still a
 * `worker_threads` worker, so it can be unref'd and its crashes are seen as for any other.
 */
function loadable(url: URL): URL {
  if (url.protocol === "file:" || url.protocol === "data:") return url;
  return new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(url.href))};`);
}

/** The next message queued on `port`, taken now; works on web ports on all three runtimes. */
export function receiveFrom(port: DataPort): unknown {
  return receiveMessageOnPort(port as never)?.message;
}

function isWrapped(data: unknown): data is Wrapped {
  return typeof data === "object" && data !== null && "port" in data && "data" in data;
}

const wrapped = !isMainThread && isWrapped(workerData) ? workerData : undefined;

const port: ParentPort | undefined = parentPort && wrapped
  ? {
    postMessage: (message, transfer) => parentPort!.postMessage(message, transfer),
    onMessage: (listener) => {
      parentPort!.on("message", listener);
    },
    postData: (message, transfer) => wrapped.port.postMessage(message, transfer),
    onData: (listener) => {
      wrapped.port.onmessage = (event) => listener(event.data);
    },
    receiveData: () => receiveFrom(wrapped.port),
  }
  : undefined;

/**
 * A new `ArrayBuffer` of `bytes` bytes, not zero-filled (`allocUnsafeSlow` makes a buffer of its
 * own of exactly that size, outside the pool of small `Buffer`s).
 */
export function uninitializedBuffer(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/**
 * A {@linkcode Runtime} over `node:worker_threads`.
 * @param name The runtime's name.
 * @param gc Its garbage collection hook, if it exposes one.
 * @param outOfBand From which sizes values go through the data channel.
 * @param decoding How the decoders go around the runtime's slow paths.
 */
export function workerThreadsRuntime(
  name: Runtime["name"],
  gc: (() => void) | undefined,
  outOfBand: OutOfBandPolicy,
  decoding: DecodeTuning = PLAIN_DECODING,
): Runtime {
  return {
    name,
    gc,
    outOfBand,
    decoding,
    // Node's workers start with its compile cache (see `compile_cache.ts`).
    spawn: (url, options) =>
      new ThreadHandle(url, options, name, name === "node" ? compileCacheEnv() : undefined),
    parentPort: () => port,
    workerData: () => wrapped?.data,
    guardWorker: () => guardWorker({ webWorker: false }),
    // `node:os` and `node:v8` load on first use: most workers never need them (`builtin.ts`).
    availableParallelism: () => builtin("node:os").availableParallelism(),
    macrotask: (task) => void setImmediate(task),
    backgroundTimer: (task, ms) => {
      // `node:timers` gives a timer object that can be unref'd on all three runtimes.
      const timer = setTimeout(task, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
    // Measured per reading (1,000 in a row): V8's heap statistics take 3-14 µs on Node and Deno,
    // `memoryUsage()` 11-32 µs (it reads the RSS too); on Bun the heap statistics take 15 ms and
    // `memoryUsage()` 8 µs.
    heapUsedBytes: name === "bun"
      ? () => process.memoryUsage().heapUsed
      : () => builtin("node:v8").getHeapStatistics().used_heap_size,
  };
}
