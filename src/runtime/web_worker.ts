/**
 * Deno's Web Worker, for pools with `permissions`: it is the one worker of the three runtimes
 * that takes permissions of its own (`deno: { permissions }`, behind `--unstable-worker-options`
 * in Deno 2.9), which Deno then enforces on everything the worker does.
 *
 * A Web Worker cannot be unref'd, and Deno cannot end one that runs a synchronous loop, so a
 * pool of bare Web Workers would hold the process open for as long as any task runs, even one
 * that never returns. Each Web Worker is therefore started by a relay: a `worker_threads`
 * worker (which can be unref'd, and which the host watches, ends and replaces like any other)
 * whose only work is to start the Web Worker, pass control messages both ways and turn the Web
 * Worker's uncaught error into its own, so that the host sees a crash. Ending the relay ends
 * its Web Worker (measured: the threads are gone once `terminate` resolves). Calls do not pass
 * through the relay: the Web Worker attaches to the shared link, and the data channel's port is
 * handed on to it.
 *
 * In the Web Worker, a small `data:` boot module waits for the spawn data and the data port,
 * keeps them where {@linkcode webWorkerBoot} finds them, and only then imports weft's entry, so
 * the entry finds its spawn data as on any other worker. A Web Worker ends silently on
 * `close()` or `Deno.exit` (no event reaches the relay), so the worker guards refuse those
 * there (`./worker_guards.ts`).
 *
 * @module
 */

import { type ErrorClass, registerErrorClass } from "../memory/error_classes.ts";
import type { ParentPort, Runtime } from "./adapter.ts";
import { denoWorkerPermissions } from "./permissions.ts";
import { guardWorker } from "./worker_guards.ts";
import { type DataPort, receiveFrom } from "./worker_threads.ts";

/** Where the boot module keeps the first message for the entry. */
const BOOT = Symbol.for("weft.webWorkerBoot");

/** What the boot module keeps: the spawn data, the data port, and control messages so far. */
interface Boot {
  data: unknown;
  port: DataPort;
  /** Control messages that came before the first listener, which receives them. */
  early: unknown[];
  listeners: ((message: unknown) => void)[];
}

/**
 * The boot module, as source: it keeps the first message at `BOOT`, queues later ones until the
 * entry listens, then imports the entry (whose failure to load arrives as an `error` event).
 */
function bootSource(entry: URL): string {
  return `const boot = { data: undefined, port: undefined, early: [], listeners: [] };
globalThis[Symbol.for("weft.webWorkerBoot")] = boot;
let first = true;
self.onmessage = (event) => {
  if (first) {
    first = false;
    boot.data = event.data.data;
    boot.port = event.data.port;
    import(${JSON.stringify(entry.href)});
  } else if (boot.listeners.length === 0) boot.early.push(event.data);
  else for (const listener of boot.listeners) listener(event.data);
};
`;
}

/**
 * The relay, as source. Its `workerData` is `worker_threads.ts`'s wrapping: the data channel's
 * port, and `data` holding the boot module, the Web Worker's permissions and the spawn data.
 */
const RELAY_SOURCE = `import { parentPort, workerData } from "node:worker_threads";
const { data: { boot, name, permissions, init }, port } = workerData;
const worker = new Worker(boot, { type: "module", name, deno: { permissions } });
worker.onmessage = (event) => parentPort.postMessage(event.data);
worker.onerror = (event) => {
  event.preventDefault();
  // Thrown from a task of its own, the error ends the relay, which its host sees.
  setTimeout(() => {
    throw new Error(event.message);
  });
};
parentPort.on("message", (message) => worker.postMessage(message));
worker.postMessage({ data: init, port }, [port]);
`;

const RELAY_URL = new URL(`data:text/javascript,${encodeURIComponent(RELAY_SOURCE)}`);

/**
 * Inside a Web Worker that weft started: its spawn data and its channels to the host. Undefined
 * elsewhere.
 */
export function webWorkerBoot(): { data: unknown; port: ParentPort } | undefined {
  const boot = (globalThis as { [BOOT]?: Boot })[BOOT];
  if (boot === undefined || boot.port === undefined) return undefined;
  const self = globalThis as unknown as {
    postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  };
  const port: ParentPort = {
    postMessage: (message, transfer) => self.postMessage(message, transfer),
    onMessage: (listener) => {
      boot.listeners.push(listener);
      for (const message of boot.early.splice(0)) listener(message);
    },
    postData: (message, transfer) => boot.port.postMessage(message, transfer),
    onData: (listener) => {
      boot.port.onmessage = (event) => listener(event.data);
    },
    receiveData: () => receiveFrom(boot.port),
  };
  return { data: boot.data, port };
}

/**
 * `base` (Deno's `worker_threads` adapter) with Web Workers for pools with permissions, and, in
 * such a worker, its spawn data, its channels and its guards.
 */
export function withWebWorkers(base: Runtime): Runtime {
  // A denied permission fails the call with Deno's own class, on the host as in the worker.
  const errors = (globalThis as unknown as { Deno: { errors: Record<string, ErrorClass> } }).Deno
    .errors;
  for (const name of ["NotCapable", "PermissionDenied"]) {
    if (errors[name] !== undefined) registerErrorClass(errors[name]);
  }
  const boot = webWorkerBoot();
  return {
    ...base,
    spawn: (url, options) => {
      if (options.permissions === undefined) return base.spawn(url, options);
      // A Web Worker has no env, argv or execArgv of its own to set: refused, not ignored.
      const unsettable = (["env", "argv", "execArgv"] as const).find((k) =>
        options[k] !== undefined
      );
      if (unsettable !== undefined) {
        throw new TypeError(
          `Cannot create pool: a Deno worker with permissions is a Web Worker, whose ${unsettable} cannot be set; leave out worker.${unsettable} or permissions, received both`,
        );
      }
      const permissions = denoWorkerPermissions(options.permissions, [
        packageRoot(url),
        ...(options.modules ?? []),
      ]);
      const bootUrl = `data:text/javascript,${encodeURIComponent(bootSource(url))}`;
      return base.spawn(RELAY_URL, {
        ...options,
        workerData: { boot: bootUrl, name: options.name, permissions, init: options.workerData },
      });
    },
    parentPort: () => boot?.port ?? base.parentPort(),
    workerData: () => boot === undefined ? base.workerData() : boot.data,
    guardWorker: () => boot === undefined ? base.guardWorker() : guardWorker({ webWorker: true }),
  };
}

/**
 * What a worker must read (or import) to load weft: its package, whose worker entry sits in
 * `<package>/<src or esm>/worker/`; a bundle (its own entry) is just itself.
 */
function packageRoot(entry: URL): URL {
  return /\/worker\/entry\.[jt]s$/.test(entry.pathname) ? new URL("../../", entry) : entry;
}
