/**
 * The oldest Node.js weft runs on, checked once when weft loads on Node: older versions lack what
 * weft is built on (`Promise.withResolvers`, `process.getBuiltinModule`, added in 22.3) and would
 * fail later with an error that does not say why.
 *
 * @module
 */

/** The oldest Node.js version weft supports. */
export const NODE_FLOOR = "22.3";

const [FLOOR_MAJOR, FLOOR_MINOR] = NODE_FLOOR.split(".").map(Number);

/**
 * Throws unless `version` (a `process.versions.node` string) is {@linkcode NODE_FLOOR} or later.
 * @throws {RangeError} On an older or unreadable version.
 */
export function checkNodeVersion(version: string | undefined): void {
  const parts = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  const major = Number(parts?.[1]);
  const minor = Number(parts?.[2]);
  if (!(major > FLOOR_MAJOR || (major === FLOOR_MAJOR && minor >= FLOOR_MINOR))) {
    throw new RangeError(
      `Cannot load weft: it needs Node.js ${NODE_FLOOR} or later, Deno or Bun, received ${
        version === undefined ? "a runtime that is none of them" : `Node.js ${version}`
      }`,
    );
  }
}
