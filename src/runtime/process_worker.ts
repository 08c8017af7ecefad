/**
 * Process workers as the host sees them. The host's side of a process worker is an ordinary
 * lane on an ordinary worker thread, the relay (`src/worker/relay_entry.ts`): it takes the
 * lane's calls like any worker and sends them down a pipe to a child process, which runs the
 * tasks on a worker thread of its own (`src/process/child_entry.ts`). So everything the host
 * does with a thread (batching, timeouts, aborts, crash recovery, stealing) works unchanged.
 *
 * This file turns a runtime into one whose `spawn` starts such a pair, and makes the child's
 * end the worker's end: the worker "exits" when the child exits, and ending the worker kills
 * the child.
 *
 * @module
 */

import type { ResourceLimits, Runtime, SpawnOptions, WorkerHandle } from "./adapter.ts";
import { builtin } from "./builtin.ts";
import { killProcess, ownExecutable } from "./child_process.ts";
import { type Permissions, processPermissionFlags } from "./permissions.ts";

/** Marks a relay thread's spawn data. */
export const RELAY_MARK = "weft.relay.v1";

/** The runtimes a process worker can run on. */
export type ChildRuntime = "deno" | "node" | "bun";

/** What the relay thread receives as its spawn data. */
export interface RelayInit {
  mark: typeof RELAY_MARK;
  /** The worker's own spawn data, for the child. */
  init: unknown;
  /** The child's command line. */
  argv: string[];
  /** One i32: the child's pid, stored by the relay as soon as the child exists. */
  pid: SharedArrayBuffer;
  /** Memory limits for the child's worker thread (the relay runs without). */
  resourceLimits: ResourceLimits | undefined;
  /** The pool's `timeoutGrace`, which the child enforces on its thread. */
  timeoutGrace: number;
  /** The worker's name (`weft-<index>`), for the child's messages. */
  name: string;
  /** The module the host's own threads start on, which the child's thread starts on too. */
  entry: string;
}

/** Control messages the relay sends the host besides the worker's own. */
export type RelayMessage = { type: "child-exit"; code: number; signal: string | null };

/** How process workers start. */
export interface ProcessSpawnConfig {
  /** The runtime the child runs on. */
  runtime: ChildRuntime;
  /** Argv placed before the runtime's executable (a sandbox, `nice`, `taskset`, ...). */
  command: readonly string[];
  /** Runtime flags for the child (permissions); Deno's default is `-A`. */
  flags: readonly string[];
  /** The relay thread's entry module. */
  relayUrl: URL;
  /** The child's entry module. */
  childUrl: URL;
  /** The pool's `timeoutGrace`. */
  timeoutGrace: number;
}

/**
 * The command line of a child on `config.runtime`: the prefix, the runtime's executable (this
 * process's own when it is the same runtime, else the runtime's name, found on `PATH`), its
 * flags and the child's entry.
 * @throws {TypeError} When Node or Bun would have to load the entry from a URL that is not a file.
 */
export function childArgv(host: Runtime["name"], config: ProcessSpawnConfig): string[] {
  const entry = config.childUrl;
  if (entry.protocol !== "file:" && config.runtime !== "deno") {
    throw new TypeError(
      `Cannot create pool: a ${config.runtime} process worker loads weft from files, and weft runs from ${entry.protocol} here (use runtime "deno", or weft's npm package), received ${entry.href}`,
    );
  }
  const script = entry.protocol === "file:" ? builtin("node:url").fileURLToPath(entry) : entry.href;
  const executable = config.runtime === host ? ownExecutable() : config.runtime;
  const args = config.runtime === "deno"
    ? ["run", ...(config.flags.length > 0 ? config.flags : ["-A"]), script]
    : [...config.flags, script];
  return [...config.command, executable, ...args];
}

/**
 * The flags that start a `runtime` child with `permissions` (see `permissions.ts`). A Node.js
 * child runs its tasks on a worker thread of its own, so it is always let start workers: Node's
 * permission model holds in every thread of the process, the new one too.
 * @param loads What the child itself loads: weft's files and the task modules.
 * @throws {UnenforceablePermissionError} When the child's runtime cannot enforce a permission.
 */
export function childPermissionFlags(
  runtime: ChildRuntime,
  permissions: Permissions,
  loads: readonly (string | URL)[],
): string[] {
  const flags = processPermissionFlags(runtime, permissions, { loads });
  if (runtime === "node" && !flags.includes("--allow-worker")) {
    // Its warning that workers "could invalidate the permission model" is about workers the
    // app starts; this one is weft's own, under the same model.
    flags.push("--allow-worker", "--disable-warning=SecurityWarning");
  }
  return flags;
}

class ProcessHandle implements WorkerHandle {
  readonly #thread: WorkerHandle;
  readonly #pid: Int32Array;
  readonly #exitListeners: ((code: number) => void)[] = [];
  #exited = false;

  constructor(thread: WorkerHandle, pid: Int32Array) {
    this.#thread = thread;
    this.#pid = pid;
    thread.onExit((code) => this.#exit(code));
  }

  #exit(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    for (const listener of this.#exitListeners) listener(code);
  }

  #kill(): void {
    const pid = Atomics.load(this.#pid, 0);
    if (pid > 0) killProcess(pid);
  }

  postData(message: unknown, transfer: ArrayBuffer[]): void {
    this.#thread.postData(message, transfer);
  }

  onData(listener: (message: unknown) => void): void {
    this.#thread.onData(listener);
  }

  receiveData(): unknown {
    return this.#thread.receiveData();
  }

  postMessage(message: unknown, transfer?: ArrayBuffer[]): void {
    this.#thread.postMessage(message, transfer);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#thread.onMessage((message) => {
      if ((message as RelayMessage)?.type !== "child-exit") return listener(message);
      const { code, signal } = message as RelayMessage;
      this.#exit(signal === null ? code : 128 + signalNumber(signal));
      void this.#thread.terminate();
    });
  }

  onError(listener: (error: unknown) => void): void {
    this.#thread.onError(listener);
  }

  onExit(listener: (code: number) => void): void {
    this.#exitListeners.push(listener);
  }

  ref(): void {
    this.#thread.ref();
  }

  unref(): void {
    this.#thread.unref();
  }

  async terminate(): Promise<void> {
    this.#kill();
    await this.#thread.terminate();
    // The relay may have started the child after the first look: it is gone now, so look again.
    this.#kill();
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 0;
}

/**
 * `base` with a `spawn` that starts process workers: a relay thread on `config.relayUrl` and,
 * from it, a child process on `config.childUrl`.
 */
export function processRuntime(base: Runtime, config: ProcessSpawnConfig): Runtime {
  const argv = childArgv(base.name, config);
  const spawn = (url: URL, options: SpawnOptions): WorkerHandle => {
    const pid = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const workerData: RelayInit = {
      mark: RELAY_MARK,
      init: options.workerData,
      argv,
      pid,
      resourceLimits: options.resourceLimits,
      timeoutGrace: config.timeoutGrace,
      name: options.name,
      entry: url.href,
    };
    const thread = base.spawn(config.relayUrl, { name: options.name, workerData });
    return new ProcessHandle(thread, new Int32Array(pid));
  };
  return { ...base, spawn };
}

/** True when `data` is a relay thread's spawn data. */
export function isRelayInit(data: unknown): data is RelayInit {
  return typeof data === "object" && data !== null &&
    (data as { mark?: unknown }).mark === RELAY_MARK;
}
