/**
 * The task registry of one thread. `task()` registers each task under the URL of the module that
 * defined it and its ordinal there (0 for the first task that module defines, and so on). A
 * worker imports the same module, which defines the same tasks in the same order, so the pair
 * (module URL, ordinal) names the same function on both sides without any export names.
 *
 * The registry lives on `globalThis` under a registered symbol, so that two copies of weft in one
 * thread (a bundle and the package, say) still share it.
 *
 * @module
 */

/** What a worker needs to run a task. */
export interface TaskEntry {
  readonly f: (arg: never) => unknown;
  readonly moduleUrl: string;
  readonly ordinal: number;
}

/** How the host names a task to a worker. */
export interface TaskRef {
  /** Key in the pool's task object, for error messages. */
  name: string;
  /** URL of the defining module. */
  module: string;
  /** Position among the tasks that module defines. */
  ordinal: number;
  /** Length of the function's source text, checked so a mismatch fails instead of misrouting. */
  sourceLength: number;
}

const KEY = Symbol.for("weft.taskRegistry");

/** Key under which a task object keeps its registry entry. */
export const TASK_ENTRY: unique symbol = Symbol.for("weft.taskEntry") as never;

function registry(): Map<string, TaskEntry[]> {
  const g = globalThis as { [KEY]?: Map<string, TaskEntry[]> };
  return (g[KEY] ??= new Map());
}

/** Registers a task defined by module `moduleUrl`. */
export function registerTask(moduleUrl: string, f: (arg: never) => unknown): TaskEntry {
  const map = registry();
  let list = map.get(moduleUrl);
  if (list === undefined) map.set(moduleUrl, list = []);
  const entry = { f, moduleUrl, ordinal: list.length };
  list.push(entry);
  return entry;
}

/**
 * Finds the task a host names.
 * @returns The task, or an `Error` saying why it cannot be found.
 */
export function resolveTask(ref: TaskRef): TaskEntry | Error {
  const list = registry().get(ref.module) ?? [];
  const entry = list[ref.ordinal];
  if (entry === undefined) {
    return new ReferenceError(
      `Cannot find task "${ref.name}": ${ref.module} defined ${list.length} task(s) in the worker, and this task is number ${
        ref.ordinal + 1
      } (define tasks at module top level, not behind conditions)`,
    );
  }
  if (String(entry.f).length !== ref.sourceLength) {
    return new ReferenceError(
      `Cannot find task "${ref.name}": task number ${
        ref.ordinal + 1
      } of ${ref.module} has a different function in the worker (define tasks at module top level, in a fixed order)`,
    );
  }
  return entry;
}

/** Tells the source length of a task's function, as {@linkcode TaskRef.sourceLength} wants. */
export function sourceLength(f: (arg: never) => unknown): number {
  return String(f).length;
}
