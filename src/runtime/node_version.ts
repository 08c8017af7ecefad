/**
 * The oldest Node.js weft runs on, checked once when weft loads on Node: older versions lack what
 * weft is built on (`Promise.withResolvers`, `require()` of ES modules) and would fail later with
 * an error that does not say why.
 *
 * @module
 */

/** The oldest Node.js major version weft supports. */
export const NODE_FLOOR = 22;

/**
 * Throws unless `version` (a `process.versions.node` string) is {@linkcode NODE_FLOOR} or later.
 * @throws {RangeError} On an older or unreadable version.
 */
export function checkNodeVersion(version: string | undefined): void {
  const major = Number(/^v?(\d+)\./.exec(version ?? "")?.[1]);
  if (!(major >= NODE_FLOOR)) {
    throw new RangeError(
      `Cannot load weft: it needs Node.js ${NODE_FLOOR} or later, Deno or Bun, received ${
        version === undefined ? "a runtime that is none of them" : `Node.js ${version}`
      }`,
    );
  }
}
