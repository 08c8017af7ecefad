/**
 * Node's module compile cache for weft's workers. Every new worker is a new isolate that loads
 * weft's module graph again (the task module imports weft); from TypeScript source, Node strips
 * the types of each file in each worker, after instantiating its stripping compiler there. With
 * the compile cache, Node keeps both the stripped source and V8's code cache on disk, so a worker
 * strips each file at most once per file version, and later workers only read the cache.
 * Measured (2 cores, loaded): a Node 24 worker importing the benchmarks' task module used 320-400
 * ms of CPU without the cache and 60-90 ms with it (a raw worker importing one small `.ts` file:
 * 75-95 ms); wall time to its first message fell from 0.6-1.4 s to 0.06-0.35 s. Node 22 caches
 * JavaScript only, which helps the npm package's workers.
 *
 * Only the workers get the setting (through their `env`), never the host process: an app that
 * enabled the cache itself, set `NODE_COMPILE_CACHE`, or disabled it with
 * `NODE_DISABLE_COMPILE_CACHE` keeps its choice. The directory is the one Node uses by default
 * (`<tmpdir>/node-compile-cache`), which Node itself keys by version and file content.
 *
 * @module
 */

import process from "node:process";
import { builtin } from "./builtin.ts";

interface CompileCacheApi {
  enableCompileCache?: unknown;
  getCompileCacheDir?: () => string | undefined;
}

/**
 * The `env` to start a Node worker with: the host's environment, with the compile cache turned
 * on where the app has not chosen otherwise. Undefined (the worker's default) where the runtime
 * has no compile cache.
 */
export function compileCacheEnv(): Record<string, string | undefined> | undefined {
  const api = builtin("node:module") as unknown as CompileCacheApi;
  const env = process.env;
  if (typeof api.enableCompileCache !== "function") return undefined;
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) {
    return undefined;
  }
  const directory = api.getCompileCacheDir?.() || builtin("node:path").join(
    builtin("node:os").tmpdir(),
    "node-compile-cache",
  );
  return { ...env, NODE_COMPILE_CACHE: directory };
}
