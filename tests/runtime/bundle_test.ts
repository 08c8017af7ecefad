/**
 * An app that imports weft, bundled without special flags, runs its pool unchanged from another
 * folder than its source: the bundle is its own worker entry. Bundlers: esbuild (ESM and CommonJS,
 * `--bundle --platform=node`, from npm through npx) on every runtime; `bun build` and
 * `bun build --compile` on Bun; `deno bundle` on Deno. Each bundle runs on the runtime under test.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const app = fileURLToPath(new URL("../fixtures/bundle_app.ts", import.meta.url));
/** esbuild, pinned; fetched through npx like the runtimes themselves, then run directly. */
const ESBUILD_NPX = [
  "npx",
  "-y",
  "--loglevel=error",
  "-p",
  "esbuild@0.28.2",
  "-c",
  "command -v esbuild",
];
let esbuildBin: Promise<string> | undefined;
/** The esbuild binary (resolved in a test, whose timeout covers it, rather than in a hook). */
const esbuild = () => esbuildBin ??= ok(ESBUILD_NPX, tmpdir()).then((out) => out.trim());
/** Bundling (npx may fetch esbuild) and a child runtime take seconds, over Bun's 5 s default. */
const SLOW = { timeout: 120_000 };
const BUN_ONLY = { ...SLOW, skip: !isBun && "bun build is Bun's" };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd[0], cmd.slice(1), {
      cwd,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1" },
    }, (
      err,
      stdout,
      stderr,
    ) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(cmd: string[], cwd: string): Promise<string> {
  const ran = await run(cmd, cwd);
  assert.equal(ran.code, 0, `${cmd.join(" ")}\n${ran.stderr}`);
  return ran.stdout;
}

/** The command that runs a bundled script on the runtime under test. */
function runtimeCmd(script: string): string[] {
  return isDeno ? [process.execPath, "run", "-A", script] : [process.execPath, script];
}

describe("an app bundled with weft", () => {
  let build: string;
  let elsewhere: string;

  before(() => {
    build = mkdtempSync(`${tmpdir()}/weft-bundle-`);
    elsewhere = mkdtempSync(`${tmpdir()}/weft-bundle-run-`);
  });

  after(() => {
    for (const dir of [build, elsewhere]) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs `file` (a bundle, or an executable when `cmd` is given) from another folder. */
  async function expectRuns(
    file: string,
    cmd = runtimeCmd(file),
    module: string | RegExp = pathToFileURL(file).href,
  ): Promise<void> {
    const out = await ok(cmd, elsewhere);
    const result = JSON.parse(out.trim());
    if (typeof module === "string") assert.equal(result.module, module);
    else assert.match(result.module, module);
    assert.deepEqual({ ...result, module: undefined }, {
      sum: 5,
      tripled: 42,
      crash: "crashed",
      after: 9,
      respawns: 1,
      module: undefined,
    });
  }

  for (const format of ["esm", "cjs"]) {
    it(`runs from an esbuild ${format.toUpperCase()} bundle`, SLOW, async () => {
      const out = `${build}/app.esbuild.${format === "esm" ? "mjs" : "cjs"}`;
      await ok([
        await esbuild(),
        app,
        "--bundle",
        "--platform=node",
        `--format=${format}`,
        `--outfile=${out}`,
        "--log-level=warning",
      ], build);
      await expectRuns(out);
    });
  }

  it(
    "runs from an esbuild ESM bundle with an inline source map, the map applied",
    SLOW,
    async () => {
      const out = `${build}/app.esbuild-map.mjs`;
      await ok([
        await esbuild(),
        app,
        "--bundle",
        "--platform=node",
        "--format=esm",
        "--sourcemap=inline",
        `--outfile=${out}`,
        "--log-level=warning",
      ], build);
      // Deno applies source maps always, Node with the flag; Bun only to bundles it built.
      const cmd = isDeno || isBun
        ? runtimeCmd(out)
        : [process.execPath, "--enable-source-maps", out];
      await expectRuns(out, cmd);
    },
  );

  it("runs from a bun build bundle", BUN_ONLY, async () => {
    const out = `${build}/app.bun.mjs`;
    await ok([process.execPath, "build", app, "--target=bun", `--outfile=${out}`], build);
    await expectRuns(out);
  });

  it(
    "runs from a bun build bundle with a source map, which Bun applies to its stacks",
    BUN_ONLY,
    async () => {
      const out = `${build}/app.bun-map.mjs`;
      await ok([
        process.execPath,
        "build",
        app,
        "--target=bun",
        "--sourcemap=inline",
        `--outfile=${out}`,
      ], build);
      await expectRuns(out);
    },
  );

  it("names the one bun build case that cannot work, and its fix", BUN_ONLY, async () => {
    const out = `${build}/app.bun-map.cjs`;
    await ok([
      process.execPath,
      "build",
      app,
      "--target=bun",
      "--format=cjs",
      "--sourcemap=inline",
      `--outfile=${out}`,
    ], build);
    const ran = await run(runtimeCmd(out), elsewhere);
    assert.notEqual(ran.code, 0);
    assert.match(
      ran.stderr,
      /bun build --format=cjs --sourcemap`\), received .*; build it without --sourcemap, or as ES modules/,
    );
  });

  it(
    "runs from a bun build --compile executable",
    BUN_ONLY,
    async () => {
      const out = `${build}/app-bun-exe`;
      await ok([process.execPath, "build", app, "--compile", `--outfile=${out}`], build);
      // The executable's modules live in Bun's embedded file system, not beside it.
      await expectRuns(out, [out], /\/app-bun-exe$/);
    },
  );

  it("runs from a deno bundle", { ...SLOW, skip: !isDeno && "deno bundle is Deno's" }, async () => {
    const out = `${build}/app.deno.mjs`;
    await ok([process.execPath, "bundle", "--quiet", app, "-o", out], build);
    await expectRuns(out);
  });
});
