/**
 * Finds the URL of the module that called into weft, from an `Error` stack. V8 (Deno, Node) and
 * JavaScriptCore (Bun) format stacks differently, and Bun prints paths where V8 prints URLs; this
 * is the one place that knows.
 *
 * @module
 */

const FRAME = /((?:file|https?|data|blob|jsr|npm):[^\s()]+?|\/[^\s()]+?):\d+:\d+\)?\s*$/;

function toUrl(location: string): string {
  if (location.startsWith("/")) return new URL(`file://${location}`).href;
  return location;
}

/**
 * The URL of the first stack frame outside `ownUrls`' modules, or undefined when none is found.
 * @param ownUrls URLs of the modules to skip (weft's own).
 */
export function callerUrl(ownUrls: readonly string[]): string | undefined {
  const stack = new Error().stack ?? "";
  const own = new Set([import.meta.url, ...ownUrls]);
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line.trim());
    if (match === null) continue;
    const url = toUrl(match[1]);
    if (!own.has(url)) return url;
  }
  return undefined;
}
