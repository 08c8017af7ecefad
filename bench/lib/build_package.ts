/**
 * Builds the npm package into `npm/` (`scripts/build_npm.ts`) for the `weft-npm` system, so that
 * it measures the library as it is in this checkout, never an older build.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** Runs the npm build with this Deno; throws if it fails. */
export async function buildPackage(): Promise<void> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/build_npm.ts"],
    cwd: ROOT,
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    throw new Error(`Cannot build the npm package for weft-npm: build_npm.ts exited ${code}`);
  }
}
