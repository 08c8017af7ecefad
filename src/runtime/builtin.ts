/**
 * The Node built-in modules that only some of weft's paths use, loaded when one of those paths
 * first runs instead of when weft loads. Every thread that imports weft loads its static imports,
 * and every worker imports weft (its task module does), yet a worker never starts a process,
 * reads a file or asks for the core count. Loading them cost a new worker, in ms (median of 5
 * workers each, 2 cores), Bun 1.4 / Deno 2.9: `node:fs` 1.6 / 3.3, `node:child_process` 1.2 /
 * 0.8, `node:url` 0.8 / 0.0, `node:v8` 0.5 / 0.2, `node:os` 0.5 / 0.1; Node loads them in
 * microseconds. The ones every worker needs (`node:worker_threads`, `node:timers`, `node:buffer`,
 * `node:process`) stay static imports.
 *
 * `process.getBuiltinModule` loads a built-in synchronously, and the same one each time (Node
 * 22.3 and later, Deno 2, Bun). The imports below are types only: they load nothing.
 *
 * @module
 */

import type * as ChildProcessModule from "node:child_process";
import type * as FsModule from "node:fs";
import type * as ModuleModule from "node:module";
import type * as OsModule from "node:os";
import type * as PathModule from "node:path";
import type * as UrlModule from "node:url";
import type * as V8Module from "node:v8";
import process from "node:process";

/** The built-ins loaded on first use, by name. */
export interface LazyBuiltins {
  "node:child_process": typeof ChildProcessModule;
  "node:fs": typeof FsModule;
  "node:module": typeof ModuleModule;
  "node:os": typeof OsModule;
  "node:path": typeof PathModule;
  "node:url": typeof UrlModule;
  "node:v8": typeof V8Module;
}

interface WithBuiltins {
  getBuiltinModule(id: string): unknown;
}

/**
 * The built-in module `name`, loaded now if this thread has not loaded it yet.
 * @param name The module's `node:` specifier.
 * @returns The module's namespace.
 */
export function builtin<K extends keyof LazyBuiltins>(name: K): LazyBuiltins[K] {
  return (process as unknown as WithBuiltins).getBuiltinModule(name) as LazyBuiltins[K];
}
