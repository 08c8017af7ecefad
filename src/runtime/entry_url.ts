/**
 * Finds the module a worker starts on. From weft's own files that is the worker entry next to
 * this file: `entry.ts` from the TypeScript source (Deno, Node with type stripping, Bun),
 * `entry.js` from the npm build. Bundled, weft's files are gone and this code is inside the
 * bundle: then the bundle itself is the worker's entry. It contains weft's worker code (the
 * package's modules import it), which starts when it sees from its spawn data that it runs in a
 * weft worker, and the app's tasks, which register under the bundle's URL there as on the host.
 *
 * The npm package is such a bundle too (`esm/mod.js`, built by `scripts/build_npm.ts`), with weft's
 * own files beside it under `esm/src/` for process workers, whose relay thread and child process
 * start on those files.
 *
 * The file is read from the call stack and `import.meta.url` (see {@linkcode ownFileUrl}).
 *
 * @module
 */

import { isPackageBundle, OWN_FILE, ownFileUrl } from "./caller_url.ts";

/**
 * The URL of the module weft's workers start on.
 * @throws {TypeError} When the file weft runs from cannot be found on the call stack.
 */
export function workerEntryUrl(): URL {
  const here = ownFileUrl();
  if (here === undefined) {
    throw new TypeError(
      "Cannot start workers: the file weft runs from is not on the call stack (Error.captureStackTrace is missing or locked), received none",
    );
  }
  const own = OWN_FILE.exec(new URL(here).pathname);
  return own === null ? new URL(here) : new URL(`../worker/entry.${own[1]}`, here);
}

/** The entry modules of a process worker: its relay thread's and its child process's. */
export interface ProcessEntryUrls {
  relay: URL;
  child: URL;
}

/**
 * The entry modules of process workers, next to weft's own files.
 * @throws {TypeError} When weft runs bundled (its own files, which a child loads, are not there).
 */
export function processEntryUrls(): ProcessEntryUrls {
  const here = ownFileUrl();
  const own = here === undefined ? null : OWN_FILE.exec(new URL(here).pathname);
  const packaged = own === null && here !== undefined ? packageEntryUrls(new URL(here)) : undefined;
  if (packaged !== undefined) return packaged;
  if (own === null) {
    throw new TypeError(
      `Cannot create pool: process isolation starts weft's own files in the child, and weft runs bundled here (not from its own files), received ${here}; keep weft out of the bundle (mark it external)`,
    );
  }
  return {
    relay: new URL(`../worker/relay_entry.${own[1]}`, here),
    child: new URL(`../process/child_entry.${own[1]}`, here),
  };
}

/**
 * The process entries beside the npm package's bundle (`esm/mod.js`, whose own files are under
 * `esm/src/`), or undefined when `bundle` is not that bundle (an app's bundle).
 */
function packageEntryUrls(bundle: URL): ProcessEntryUrls | undefined {
  if (!isPackageBundle(bundle)) return undefined;
  return {
    relay: new URL("./src/worker/relay_entry.js", bundle),
    child: new URL("./src/process/child_entry.js", bundle),
  };
}
