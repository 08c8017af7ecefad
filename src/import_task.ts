/**
 * `importTask()`: a task named by its module and export, whose module only workers import. Its
 * code, and everything that code imports, never loads on the host.
 *
 * @module
 */

import { singleTaskPoolMethod } from "./pool.ts";
import { resolveHref } from "./runtime/caller_url.ts";
import { TIMEOUT_MS } from "./host/call_options.ts";
import { checkOptions, MODULE_URL, NON_EMPTY_STRING, type Schema } from "./host/option_schema.ts";
import type { Task } from "./task.ts";
import { TASK_ENTRY, type TaskEntry } from "./worker/registry.ts";
import type { TaskContext } from "./worker/task_context.ts";

/** What {@linkcode importTask} takes. */
export interface ImportTaskDefinition {
  /**
   * The module that exports the task, as a URL or a path relative to the module that calls
   * `importTask()`. Only workers import it.
   */
  href: string | URL;
  /**
   * The export to run: a function of one argument (and the task context), or a task made with
   * `task()` in that module.
   */
  name: string;
  /**
   * Milliseconds after which a call rejects with `TimeoutError` (see `CallOptions.timeout`).
   * Default: none.
   */
  timeout?: number;
}

const IMPORT_TASK_SCHEMA: Schema = {
  href: MODULE_URL,
  name: NON_EMPTY_STRING,
  timeout: TIMEOUT_MS,
};

/**
 * The task type of an export's type `F`: a `Task` stays itself, a function `(arg: A) => R`
 * becomes `Task<A, Awaited<R>>`, and anything else (no type given) `Task<unknown, unknown>`.
 */
export type ImportedTask<F> = unknown extends F ? Task<unknown, unknown>
  : F extends Task<infer A, infer R> ? Task<A, R>
  : F extends (arg: infer A, ctx: TaskContext) => infer R ? Task<A, Awaited<R>>
  : never;

/**
 * Names a task by its module and export, for a pool to run; the host never imports that module.
 * Type it from the export: `importTask<typeof import("./parse.ts")["parse"]>(...)`.
 *
 * @param definition `href`, the module (relative to the calling module), `name`, its export,
 * and optionally `timeout`.
 * @returns The task, to hand to `createPool()(tasks)`.
 * @throws {TypeError} When a field has the wrong type or is unknown, or `href` is relative and the
 * calling module cannot be found.
 * @throws {RangeError} When `name` is empty or `timeout` is not a positive finite number.
 *
 * @example A parser that loads only in the workers
 * ```ts
 * import { createPool, importTask, isMain } from "@weft/weft";
 * // parse_tasks.ts: export function parse(text: string) { return JSON.parse(text); }
 * const parse = importTask<typeof import("../examples/parse_tasks.ts")["parse"]>({
 *   href: "../examples/parse_tasks.ts",
 *   name: "parse",
 * });
 *
 * if (isMain) {
 *   const pool = createPool({ threads: 1 })({ parse });
 *   console.log(await pool.call.parse('{"a":1}')); // { a: 1 }
 *   await pool.shutdown();
 * }
 * ```
 */
export function importTask<F = unknown>(definition: ImportTaskDefinition): ImportedTask<F>;
/**
 * Names a task by its module and export, typed by its argument `A` and result `R`.
 *
 * @param definition `href`, the module (relative to the calling module), `name`, its export,
 * and optionally `timeout`.
 * @returns The task, to hand to `createPool()(tasks)`.
 * @throws {TypeError} When a field has the wrong type or is unknown, or `href` is relative and the
 * calling module cannot be found.
 * @throws {RangeError} When `name` is empty or `timeout` is not a positive finite number.
 *
 * @example Typed by hand
 * ```ts
 * import { importTask } from "@weft/weft";
 * const parse = importTask<string, unknown>({ href: "../examples/parse_tasks.ts", name: "parse" });
 * ```
 */
export function importTask<A, R>(definition: ImportTaskDefinition): Task<A, Awaited<R>>;
export function importTask(definition: ImportTaskDefinition): Task<unknown, unknown> {
  checkOptions("import task", definition, IMPORT_TASK_SCHEMA);
  const href = definition?.href;
  const name = definition?.name;
  if (href === undefined || name === undefined) {
    throw new TypeError(
      `Cannot import task: href and name are required, received ${
        href === undefined ? "no href" : "no name"
      }`,
    );
  }
  const module = resolveHref(String(href), importTask);
  const f = () => {
    throw new TypeError(
      `Cannot run imported task here: ${module} is imported only by workers, received a direct call of "${name}"`,
    );
  };
  const entry: TaskEntry = { f, moduleUrl: module, ordinal: -1, exportName: name };
  const created: Task<unknown, unknown> = {
    f,
    timeout: definition.timeout,
    module,
    [TASK_ENTRY]: entry,
    createPool: singleTaskPoolMethod(() => created),
  };
  return created;
}
