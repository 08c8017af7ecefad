/**
 * Installs the benchmark-only npm packages (`bench/package.json`, exact versions, locked) when
 * `bench/node_modules` is missing, so that a fresh machine needs nothing but npm.
 *
 * @module
 */

const BENCH_DIR = new URL("../", import.meta.url);

/** Runs `npm ci` in `bench/` unless `bench/node_modules` exists. */
export async function ensureDeps(): Promise<void> {
  try {
    await Deno.stat(new URL("node_modules/", BENCH_DIR));
    return;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  console.log("Installing benchmark dependencies (npm ci in bench/) ...");
  const { code } = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
    cwd: BENCH_DIR,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    throw new Error(
      `Cannot install benchmark dependencies: npm ci exited ${code}`,
    );
  }
}
