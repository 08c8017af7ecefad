/**
 * Finds the URL of the module that called a function, from the call stack: the file that actually
 * ran, which a worker can import again.
 *
 * The text of `Error().stack` cannot tell it: tsx, `node --enable-source-maps`, and Deno rewrite
 * its locations through source maps to the original sources (a `dist/tasks.js` shows up as
 * `src/tasks.ts`). V8's structured call sites (Deno, Node) and Bun's imitation of them keep the
 * script that ran: `getScriptNameOrSourceURL()` (Deno maps `getFileName()` too; the others keep
 * it). They are read through a temporary `Error.prepareStackTrace`, and `Error.captureStackTrace`
 * drops the frames from the called function up, so the caller is found by its position and not by
 * skipping weft's own files (in a bundle, weft and the caller are the same file). Where the
 * structured API is missing or locked, nothing is found (and `task()` asks for its `module`
 * option): the text stack, source-mapped, would name a file that may not be the one that ran.
 *
 * @module
 */

interface CallSite {
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
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

/** The structured stack below `below` (from this function when omitted), or undefined where the runtime does not offer one. */
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

/**
 * The URL of the module whose code called `below`, or undefined when it cannot be found.
 * @param below The function whose caller is wanted (it must be on the stack).
 */
export function callerUrl(below: (...args: never[]) => unknown): string | undefined {
  return urlOf(callSites(below)?.[0]);
}

/**
 * The URL of the file this code runs from: this module (`caller_url.ts` or `.js`) in weft's own
 * files, or the bundle that weft was bundled into.
 */
export function ownFileUrl(): string | undefined {
  return urlOf(callSites()?.[0]);
}
