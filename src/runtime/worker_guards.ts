/**
 * Guards a weft worker installs before it loads any task module, so that a task cannot end or
 * disturb the host process and the other workers, which share its process. What each runtime
 * already does in a worker thread (measured on Deno 2.9, Node 22 and 24, Bun 1.4):
 *
 * - `process.exit`, `Deno.exit` (and `process.reallyExit`) end only the worker thread; the host
 *   sees it exit and recovers the call as a crash. A Deno Web Worker (the one that takes
 *   permissions) ends silently instead, so there they are refused, with `close()` too.
 * - `process.abort` and `process.chdir` throw in workers on every runtime.
 * - `process.kill(process.pid)` and `Deno.kill(Deno.pid)` end the whole process: refused here, as
 *   are signals to process groups (a pid of 0 or less), which include the host.
 * - `Deno.chdir` changes the working directory of the whole process: refused here.
 *
 * These stop accidents, not an adversary: a task can still run `kill` as a subprocess. Code that
 * is not trusted needs permissions (Deno) or a process of its own.
 *
 * @module
 */

/** Options of {@linkcode guardWorker}. */
export interface GuardOptions {
  /** The worker is a Web Worker, whose end its host cannot see: refuse exiting too. */
  webWorker: boolean;
}

interface Signalling {
  kill?: (pid: number, signal?: string | number) => unknown;
}

/**
 * Replaces, in this worker, the process-wide calls a task could end the host with.
 * @param options Whether this worker is a Web Worker.
 */
export function guardWorker(options: GuardOptions): void {
  const g = globalThis as unknown as {
    process?: Signalling & Record<string, unknown>;
    Deno?: Signalling & Record<string, unknown>;
    close?: unknown;
  };
  const process = g.process;
  const deno = g.Deno;
  if (process !== undefined) guardKill(process, Number(process.pid));
  if (deno !== undefined) {
    guardKill(deno, Number(deno.pid));
    replace(deno, "chdir", (directory: unknown) => {
      throw new Error(
        `Cannot change directory: a weft worker shares its process's working directory with the host and the other workers, received ${
          JSON.stringify(String(directory))
        }`,
      );
    });
  }
  if (!options.webWorker) return;
  const exit = (code: unknown) => {
    throw new Error(
      `Cannot exit: this weft worker is a Deno Web Worker (it has permissions), whose end its host cannot see; throw an error to fail the call instead, received code ${
        String(code ?? 0)
      }`,
    );
  };
  if (deno !== undefined) replace(deno, "exit", exit);
  if (process !== undefined) {
    replace(process, "exit", exit);
    replace(process, "reallyExit", exit);
  }
  replace(g as Record<string, unknown>, "close", () => exit(undefined));
}

/** Refuses signals to `own` (this process) and to process groups, through `target.kill`. */
function guardKill(target: Signalling & Record<string, unknown>, own: number): void {
  const kill = target.kill;
  if (typeof kill !== "function") return;
  replace(target, "kill", (pid: number, signal?: string | number) => {
    const probe = signal === 0;
    if (!probe && (Number(pid) === own || Number(pid) <= 0)) {
      throw new RangeError(
        `Cannot send ${
          String(signal ?? "SIGTERM")
        }: a weft worker may not signal its own process (pid ${own}, the host's) or a process group, received pid ${
          String(pid)
        }`,
      );
    }
    return kill.call(target, pid, signal);
  });
}

/** Puts `value` in place of `target[name]`, keeping it replaceable as it was. */
function replace(target: Record<string, unknown>, name: string, value: unknown): void {
  if (!(name in target)) return;
  Object.defineProperty(target, name, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
