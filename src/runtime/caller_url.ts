/**
 * Finds the URL of the module that called a function, from the call stack: the file that actually
 * ran, which a worker can import again.
 *
 * The text of `Error().stack` cannot tell it: tsx, `node --enable-source-maps`, and Deno rewrite
 * its locations through source maps to the original sources (a `dist/tasks.js` shows up as
 * `src/tasks.ts`). V8's structured call sites (Deno, Node) and Bun's imitation of them keep the
 * script that ran: `getScriptNameOrSourceURL()` (Deno maps `getFileName()` too; the others keep
 * it). Bun maps both, but only in bundles it built with a source map; there the script id tells
 * weft's frames and the caller's apart (see {@linkcode callerUrl}). They are read through a temporary `Error.prepareStackTrace`, and `Error.captureStackTrace`
 * drops the frames from the called function up, so the caller is found by its position and not by
 * skipping weft's own files (in a bundle, weft and the caller are the same file). Where the
 * structured API is missing or locked, nothing is found (and `task()` asks for its `module`
 * option): the text stack, source-mapped, would name a file that may not be the one that ran.
 *
 * @module
 */

import { builtin } from "./builtin.ts";

interface CallSite {
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
  getScriptId?(): unknown;
}

interface V8ErrorConstructor {
  prepareStackTrace?: (error: Error, sites: CallSite[]) => unknown;
  captureStackTrace?: (target: object, below?: (...args: never[]) => unknown) => void;
  stackTraceLimit?: number;
}

/** A location from a stack (a URL, or a path: Bun and CommonJS print paths) as a URL. */
function toUrl(location: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) return location;
  const url = new URL("file:///");
  url.pathname = location.replace(/\\/g, "/");
  return url.href;
}

/**
 * The structured stack below `below` (from this function when omitted), or undefined where the
 * runtime does not offer one.
 */
function callSites(below?: (...args: never[]) => unknown): CallSite[] | undefined {
  const E = Error as unknown as V8ErrorConstructor;
  if (typeof E.captureStackTrace !== "function") return undefined;
  const prepare = E.prepareStackTrace;
  const limit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_error, sites) => sites;
    E.stackTraceLimit = 2;
    const holder: { stack?: unknown } = {};
    E.captureStackTrace(holder, below);
    // Read inside the try: the stack is formatted on first access, by the hook set above.
    const sites = holder.stack;
    return Array.isArray(sites) ? sites as CallSite[] : undefined;
  } catch {
    return undefined;
  } finally {
    E.prepareStackTrace = prepare;
    E.stackTraceLimit = limit;
  }
}

function urlOf(site: CallSite | undefined): string | undefined {
  const name = site?.getScriptNameOrSourceURL?.() ?? site?.getFileName();
  return typeof name === "string" && name !== "" ? toUrl(name) : undefined;
}

/** What tells two frames' scripts apart: Bun's script id, which its source maps do not touch. */
function scriptKey(site: CallSite): unknown {
  return site.getScriptId?.() ?? urlOf(site);
}

/** This module in weft's own files (`caller_url.ts`, or `.js` in the npm build). */
export const OWN_FILE: RegExp = /\/runtime\/caller_url\.([cm]?[jt]s)$/;

/**
 * The URL of the module whose code called `below`, or undefined when it cannot be found. Code in
 * the same script as weft's own is in a bundle with it, and gets the bundle's URL.
 * @param below The function whose caller is wanted (it must be on the stack).
 * @throws {TypeError} In a bundle whose file cannot be named (see {@linkcode ownFileUrl}).
 */
export function callerUrl(below: (...args: never[]) => unknown): string | undefined {
  const caller = callSites(below)?.[0];
  const own = callSites()?.[0];
  if (caller === undefined || own === undefined || scriptKey(caller) !== scriptKey(own)) {
    return urlOf(caller);
  }
  const bundle = ownFileUrl();
  if (bundle !== undefined && namesWeft(new URL(bundle))) {
    throw new TypeError(
      `Cannot find the bundle that defines this task: every way of naming it names weft's own source instead (a CommonJS bundle built by \`bun build --format=cjs --sourcemap\`), received ${bundle}; build it without --sourcemap, or as ES modules`,
    );
  }
  return bundle;
}

/**
 * Whether `url` is the npm package's bundle of weft (`esm/mod.js`, see `scripts/build_npm.ts`),
 * which has weft's own files beside it under `src/`.
 */
export function isPackageBundle(url: URL): boolean {
  try {
    return url.protocol === "file:" &&
      builtin("node:fs").existsSync(new URL("./src/runtime/caller_url.js", url));
  } catch {
    // A worker not allowed to read there (Deno permissions) has no package beside it to read.
    return false;
  }
}

/** Whether `url` is one of weft's own files, or the npm package's bundle of them. */
function namesWeft(url: URL): boolean {
  return OWN_FILE.test(url.pathname) || isPackageBundle(url);
}

/**
 * The URL of the file this code runs from: this module in weft's own files, or the bundle that
 * weft was bundled into. Two witnesses, each wrong somewhere: `import.meta.url` is missing in a
 * CommonJS bundle (esbuild), or names the original file (`bun build --format=cjs` writes it in as
 * text); the stack names the original file where Bun applies a bundle's source map. A witness
 * that names anything but this module means a bundle. In a CommonJS bundle with a source map, Bun
 * gets both wrong.
 */
export function ownFileUrl(): string | undefined {
  const meta = (import.meta as { url?: unknown }).url;
  const witnesses = [typeof meta === "string" ? meta : undefined, urlOf(callSites()?.[0])];
  const found = witnesses.filter((url) => url !== undefined);
  return found.find((url) => !OWN_FILE.test(new URL(url).pathname)) ?? found[0];
}

/**
 * `href` as an absolute URL: relative ones resolve from the module that called `below`. Call it
 * from `below` itself, or a function it calls, never as a tail call: JavaScriptCore (Bun) drops the
 * frames of tail calls (and Bun's transpiler turns `const x = f(); return x;` into one).
 * @throws {TypeError} When `href` is relative and that module cannot be found.
 */
export function resolveHref(href: string, below: (...args: never[]) => unknown): string {
  if (URL.canParse(href)) return new URL(href).href;
  const base = callerUrl(below);
  if (base === undefined) {
    throw new TypeError(
      `Cannot resolve module: the calling module was not found on the call stack, so a relative href needs an absolute URL (import.meta.resolve), received ${
        JSON.stringify(href)
      }`,
    );
  }
  return new URL(href, base).href;
}
