/**
 * Child processes for process workers, through `node:child_process`, which Node, Deno and Bun all
 * provide. A child gets three pipes from its parent besides its standard error (inherited, so
 * what it prints reaches the host's): calls travel down its standard input, answers come up file
 * descriptor 3, and its standard output stays the parent's, so a task's `console.log` shows as
 * on a thread and never mixes with answers.
 *
 * The child dies with its parent: it exits once its standard input ends, which the kernel makes
 * happen when the parent is gone, however it went (`kill -9` too), since no other process holds
 * the pipe's writing end.
 *
 * @module
 */

import process from "node:process";
import { builtin } from "./builtin.ts";

/** A child process as its parent sees it. */
export interface ChildProcess {
  /** The child's process id. */
  readonly pid: number;
  /** Writes bytes to the child's standard input. */
  write(bytes: Uint8Array): void;
  /** Bytes the child wrote to its answer pipe (file descriptor 3). */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** The child is gone: its exit code, or 128 + the signal's number when a signal ended it. */
  onExit(listener: (code: number, signal: string | null) => void): void;
  /** Ends the child at once (SIGKILL). */
  kill(): void;
}

/**
 * Starts `argv[0]` with the rest of `argv` as its arguments.
 * @throws {Error} When the command cannot be started (the error names it).
 */
export function spawnChild(argv: readonly string[]): ChildProcess {
  const child = builtin("node:child_process").spawn(argv[0], argv.slice(1), {
    stdio: ["pipe", "inherit", "inherit", "pipe"],
  });
  // Both are missing when the command could not be started (its "error" reports why).
  const answers = child.stdio[3] as unknown as
    | { on(event: "data", listener: (chunk: Uint8Array) => void): void }
    | undefined;
  // A write to a child that is already gone fails with EPIPE; its exit is reported instead.
  child.stdin?.on("error", () => {});
  let failed: Error | undefined;
  const exitListeners: ((code: number, signal: string | null) => void)[] = [];
  let exited: [number, string | null] | undefined;
  const exit = (code: number, signal: string | null) => {
    if (exited !== undefined) return;
    exited = [code, signal];
    for (const listener of exitListeners) listener(code, signal);
  };
  child.on("error", (err: Error) => {
    failed = err;
    console.error(`weft: cannot start process worker ${JSON.stringify(argv)}: ${err.message}`);
    exit(127, null);
  });
  // "close" comes after the child's pipes have delivered everything: its last answers first.
  child.on("close", (code: number | null, signal: string | null) => exit(code ?? 128, signal));
  return {
    get pid() {
      return child.pid ?? -1;
    },
    write: (bytes) => {
      if (failed === undefined) child.stdin?.write(bytes);
    },
    onData: (listener) => answers?.on("data", listener),
    onExit: (listener) => {
      if (exited !== undefined) listener(...exited);
      else exitListeners.push(listener);
    },
    kill: () => {
      if (exited === undefined) child.kill("SIGKILL");
    },
  };
}

/**
 * Ends process `pid` at once (SIGKILL). A process that is already gone is not an error.
 */
export function killProcess(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (err) {
    // ESRCH: the process has already exited, which is what was asked for.
    if ((err as { code?: string }).code !== "ESRCH") throw err;
  }
}

/** True while process `pid` exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/** The executable of the runtime this process runs on. */
export function ownExecutable(): string {
  return process.execPath;
}

/** The pipes a process worker has to its parent. */
export interface ParentPipe {
  /** Bytes from the parent (standard input). */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** The parent closed the pipe, or is gone. */
  onEnd(listener: () => void): void;
  /** Writes bytes to the parent (file descriptor 3). */
  write(bytes: Uint8Array): void;
  /** Writes `text` to standard error, then ends the process with `code` once it is written. */
  exit(code: number, text?: string): void;
}

/** In a process worker: its pipes to the parent. */
export function parentPipe(): ParentPipe {
  const out = builtin("node:fs").createWriteStream(null as unknown as string, { fd: 3 });
  return {
    onData: (listener) => {
      process.stdin.on("data", listener);
    },
    onEnd: (listener) => {
      process.stdin.on("end", listener);
      process.stdin.on("close", listener);
    },
    write: (bytes) => void out.write(bytes),
    exit: (code, text) => {
      if (text !== undefined) process.stderr.write(text);
      // Answers still queued for the pipe go first, so the parent sees them before the exit.
      out.end(() => process.exit(code));
    },
  };
}
