/**
 * The task registry of one thread. `task()` registers each task under the URL of the module that
 * defined it and its ordinal there (0 for the first task that module defines, and so on). A
 * worker imports the same module, which defines the same tasks in the same order, so the pair
 * (module URL, ordinal) names the same function on both sides without any export names.
 *
 * The pair alone can be fooled: a task defined behind a condition (or in a loop) shifts the
 * ordinals of the tasks after it on one side only, and the worker would run its neighbour. So the
 * host also sends a fingerprint of each task's whole definition, and the worker refuses a task
 * whose own fingerprint differs, rather than run a function other than the one called.
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
  /**
   * Set for a task made by `importTask()`: the export of `moduleUrl` that workers run. Such a task
   * is not registered and its module is never imported on the host.
   */
  readonly exportName?: string;
}

/** How the host names a task to a worker. */
export interface TaskRef {
  /** Key in the pool's task object, for error messages. */
  name: string;
  /** URL of the defining module. */
  module: string;
  /** Position among the tasks that module defines. */
  ordinal: number;
  /** {@linkcode taskFingerprint} of the task, checked so a mismatch fails instead of misrouting. */
  fingerprint: number;
  /**
   * The export of `module` to run, for a task the host never imported (`importTask()`); then
   * `ordinal` and `fingerprint` are unused.
   */
  export?: string;
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

/** Why a task the host names may be missing or different in the worker, and what fixes it. */
const LIKELY_CAUSE = "a task defined behind a condition (such as `if (isMain)`) or in a loop " +
  "runs on one side only or in another order; define every task at module top level, in a " +
  "fixed order";

/**
 * Finds the task a host names, and checks that it is the same definition.
 * @param namespaces The task modules the worker imported, by URL: where a task named by its
 * export (`ref.export`) is looked up.
 * @returns The task, or a `ReferenceError` naming the task, the module and the likely cause.
 */
export function resolveTask(
  ref: TaskRef,
  namespaces: ReadonlyMap<string, Record<string, unknown>>,
): TaskEntry | Error {
  if (ref.export !== undefined) return resolveExport(ref, ref.export, namespaces.get(ref.module));
  const list = registry().get(ref.module) ?? [];
  const entry = list[ref.ordinal];
  if (entry === undefined) {
    return new ReferenceError(
      `Cannot find task "${ref.name}" in the worker: it is number ${
        ref.ordinal + 1
      } of ${ref.module}, which defines ${list.length} task(s) in the worker (${LIKELY_CAUSE})`,
    );
  }
  const found = taskFingerprint(entry.f, entry.ordinal);
  if (found !== ref.fingerprint) {
    // The host's function may still be in the worker, at another place: say where, if so.
    const moved = list.findIndex((e) => taskFingerprint(e.f, ref.ordinal) === ref.fingerprint);
    const hint = moved < 0 ? "" : `; the host's "${ref.name}" is number ${moved + 1} there`;
    return new ReferenceError(
      `Cannot run task "${ref.name}" in the worker: number ${
        ref.ordinal + 1
      } of ${ref.module} is a different function in the worker${hint} (${LIKELY_CAUSE}), received fingerprint ${
        hex(found)
      } for ${hex(ref.fingerprint)}`,
    );
  }
  return entry;
}

/**
 * The export `name` of the module `namespace`, as a task: a function, or a task made with `task()`
 * (its function is run).
 */
function resolveExport(
  ref: TaskRef,
  name: string,
  namespace: Record<string, unknown> | undefined,
): TaskEntry | Error {
  const value = namespace?.[name];
  const f = (value as { [TASK_ENTRY]?: TaskEntry } | undefined)?.[TASK_ENTRY]?.f ?? value;
  if (typeof f !== "function") {
    const found = namespace === undefined
      ? "the module was not imported"
      : name in namespace
      ? `the export is ${value === null ? "null" : typeof value}`
      : `its exports are ${Object.keys(namespace).join(", ") || "none"}`;
    return new ReferenceError(
      `Cannot find task "${ref.name}" in the worker: ${ref.module} has no export "${name}" that is a function or a task, received ${found}`,
    );
  }
  return { f: f as (arg: never) => unknown, moduleUrl: ref.module, ordinal: -1, exportName: name };
}

/**
 * Fingerprints a task's definition: 32-bit FNV-1a over its ordinal and the UTF-16 code units of
 * its function's source text. Both threads load the same module text, so they compute the same
 * number; a different function at the same place (of any source length) almost surely does not.
 * It runs once per task per pool start, so a plain hash is enough.
 */
export function taskFingerprint(f: (arg: never) => unknown, ordinal: number): number {
  const text = `${ordinal}:${String(f)}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * True for a generator function (`function*` or `async function*`): its calls stream what it
 * yields. Both threads decide from the same function.
 */
export function isGeneratorFunction(f: unknown): boolean {
  const tag = Object.prototype.toString.call(f);
  return tag === "[object AsyncGeneratorFunction]" || tag === "[object GeneratorFunction]";
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
