/**
 * Builds the npm package `@weft/weft` into `npm/` (`deno task build:npm`): compiles `mod.ts` and
 * `src/**\/*.ts` with the TypeScript compiler from npm to ESM JavaScript and `.d.ts` (no source
 * maps: see `compilerOptions`) under `npm/esm/` (the `src/` tree keeps its shape, so
 * `src/runtime/entry_url.ts` finds `../worker/entry.js`), writes `npm/package.json` with the
 * version from `deno.json` and copies README.md and LICENSE.
 *
 * `esm/mod.js` is then replaced by a bundle of the whole library (`deno bundle`, which is esbuild
 * inside Deno: no dependency), so that a worker loads weft as one file: a worker imports weft once
 * more (its task module imports it), and each module costs it about 0.2-0.5 ms of loading beyond
 * its code (measured in a worker, 2 cores: importing the bundle took Deno 3 ms against 16-18 for
 * the same compiled code in 82 files, Bun 7-10 against 12-27, and Node 24 7-8 against 40-48 for
 * the TypeScript sources with its compile cache on). The bundle is its own worker entry (see `src/runtime/entry_url.ts`); the files under
 * `esm/src/` stay for the `.d.ts` types and for process workers, which start on them.
 *
 * Node strips types only outside `node_modules`, so the package must ship JavaScript. Any compiler
 * diagnostic fails the build. With `--release` (as `deno task release:check` runs it), a missing
 * README.md or LICENSE fails it too; otherwise it is a warning.
 *
 * @module
 */

// The build's tools are pinned here rather than in deno.json's import map: nothing but this script
// (and test_npm.ts, through it) uses them, and the pins must match the npm installs in
// test_npm.ts, which read them from the exports below.
// deno-lint-ignore no-import-prefix
import ts from "npm:typescript@5.9.3";
// Imported for their location in Deno's npm cache: the compiler needs Node's declarations for the
// `node:*` modules that `src/runtime/` imports, and `@types/node` needs `undici-types`. Pinned to
// the Node floor (22) and to the `undici-types` range that this `@types/node` declares.
// deno-lint-ignore no-import-prefix
import nodeTypesPackage from "npm:@types/node@22.20.5/package.json" with { type: "json" };
// deno-lint-ignore no-import-prefix
import undiciTypesPackage from "npm:undici-types@6.21.0/package.json" with { type: "json" };

/** The TypeScript version that builds the package and type-checks its consumer test. */
export const TYPESCRIPT_VERSION: string = ts.version;
/** The `@types/node` version the package is built against. */
export const NODE_TYPES_VERSION: string = nodeTypesPackage.version;

/** The package's name, the same on npm as on JSR (the bare npm name `weft` is someone else's). */
export const PACKAGE_NAME = "@weft/weft";
/** Where the source lives; the README's links and images point there too. */
export const REPOSITORY_URL = "https://github.com/weft-dev/weft";

/** The repository root. */
export const ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** Where the package is written. */
export const OUT_DIR: string = `${ROOT}/npm`;

const NODE_TYPES_DIR = dirOf(import.meta.resolve("npm:@types/node@22.20.5/package.json"));
const UNDICI_TYPES_DIR = dirOf(import.meta.resolve("npm:undici-types@6.21.0/package.json"));

// `@types/node` asks for `undici-types@~x.y.z`; a bump of one pin without the other fails here
// rather than as a puzzling compiler diagnostic.
{
  const wanted = nodeTypesPackage.dependencies["undici-types"].replace(/^~/, "");
  const minor = (v: string) => v.split(".").slice(0, 2).join(".");
  if (minor(wanted) !== minor(undiciTypesPackage.version)) {
    throw new RangeError(
      `Cannot build npm package: @types/node@${nodeTypesPackage.version} needs undici-types@~${wanted}, received ${undiciTypesPackage.version}`,
    );
  }
}

function dirOf(fileUrl: string): string {
  return new URL(".", fileUrl).pathname.replace(/\/$/, "");
}

/** What {@linkcode buildNpm} produced. */
export interface BuildResult {
  /** The package version (from `deno.json`). */
  version: string;
  /** Files the compiler wrote. */
  emitted: number;
}

function sourceFiles(): string[] {
  const out = [`${ROOT}/mod.ts`];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) out.push(path);
    }
  };
  walk(`${ROOT}/src`);
  return out.sort();
}

function compilerOptions(outDir: string): ts.CompilerOptions {
  return {
    // Node 22 and Bun 1.4 run ES2022 natively: class fields and `#private` stay as written (no
    // WeakMap helpers on the call path); only newer syntax (`using`) would be down-levelled.
    target: ts.ScriptTarget.ES2022,
    // Growable SharedArrayBuffers and `Atomics.waitAsync` are in the ES2024 library.
    lib: ["lib.es2024.d.ts"],
    // ESNext + bundler rather than NodeNext: the repository has no package.json, so NodeNext would
    // take every source file for CommonJS. The output is plain ESM with `.js` specifiers, which
    // the consumer test checks under NodeNext.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    strict: true,
    declaration: true,
    // No source maps. The JavaScript is the TypeScript with its types erased (the source uses
    // erasable syntax only, and ES2022 keeps the rest as written), so stack traces and debuggers
    // are as readable on it, and they then name files that exist. A map would point them at `.ts`
    // files that the package cannot usefully ship (Node refuses to strip types inside
    // node_modules), or that sit outside the package, as its `sources` did.
    sourceMap: false,
    rootDir: ROOT,
    outDir: `${outDir}/esm`,
    types: [],
    newLine: ts.NewLineKind.LineFeed,
    noEmitOnError: true,
  };
}

/**
 * A compiler host that finds `@types/node` and `undici-types` in Deno's npm cache. The cache keeps
 * each package in its own versioned folder, not in a `node_modules` tree, so the compiler's own
 * lookup (walking up to `node_modules/`) cannot find them.
 */
function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  // `import ... from "undici-types"` inside @types/node.
  const modules: Record<string, string> = { "undici-types": `${UNDICI_TYPES_DIR}/index.d.ts` };
  // `/// <reference types="node" />` inside undici-types.
  const typeRefs: Record<string, string> = { "node": `${NODE_TYPES_DIR}/index.d.ts` };
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, sourceFile) =>
    literals.map((literal) => {
      const found = modules[literal.text];
      if (found !== undefined) {
        return {
          resolvedModule: {
            resolvedFileName: found,
            extension: ts.Extension.Dts,
            isExternalLibraryImport: true,
          },
        };
      }
      const mode = ts.getModeForUsageLocation(sourceFile, literal, opts);
      return ts.resolveModuleName(
        literal.text,
        containingFile,
        opts,
        host,
        undefined,
        redirected,
        mode,
      );
    });
  host.resolveTypeReferenceDirectiveReferences = (refs, containingFile, redirected, opts) =>
    refs.map((ref) => {
      const name = typeof ref === "string" ? ref : ref.fileName.toLowerCase();
      const found = typeRefs[name];
      if (found !== undefined) {
        return {
          resolvedTypeReferenceDirective: {
            primary: true,
            resolvedFileName: found,
            isExternalLibraryImport: true,
          },
        };
      }
      return ts.resolveTypeReferenceDirective(name, containingFile, opts, host, redirected);
    });
  return host;
}

/**
 * Fixes what the compiler leaves pointing at the TypeScript source:
 * - `rewriteRelativeImportExtensions` rewrites `.ts` specifiers in JavaScript but keeps them in
 *   declaration files; TypeScript 5.7+ resolves those, older consumers and other tools do not, so
 *   `.d.ts` files get `.js` specifiers like the code they describe.
 * - Doc examples import `./mod.ts` (runnable by `deno test --doc`); editors show npm users the same
 *   comments, where the specifier is `@weft/weft`, the same name as on JSR.
 */
function rewriteEmitted(fileName: string, text: string): string {
  let out = text.replace(
    /^(\s*\*.*\bfrom\s+)"(?:(?:\.\.?\/)+mod\.ts|@weft\/weft)"/gm,
    '$1"@weft/weft"',
  );
  if (fileName.endsWith(".d.ts")) {
    out = out.replace(
      /(\bfrom\s+|\bimport\(\s*|^import\s+)(["'])(\.\.?\/[^"'\n]+)\.ts\2/gm,
      "$1$2$3.js$2",
    );
  }
  return out;
}

function diagnosticsError(diagnostics: readonly ts.Diagnostic[]): Error {
  const text = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  });
  return new Error(
    `Cannot build npm package: TypeScript reported ${diagnostics.length} diagnostic(s)\n${text}`,
  );
}

function packageJson(version: string): Record<string, unknown> {
  return {
    name: PACKAGE_NAME,
    version,
    description: "Call a function on a worker thread as if it were a local async function: " +
      "shared-memory mailboxes instead of postMessage, on Node.js, Bun and Deno.",
    license: "MIT",
    repository: { type: "git", url: `git+${REPOSITORY_URL}.git` },
    homepage: `${REPOSITORY_URL}#readme`,
    bugs: { url: `${REPOSITORY_URL}/issues` },
    keywords: ["worker", "worker_threads", "thread pool", "SharedArrayBuffer", "Atomics"],
    type: "module",
    exports: {
      ".": {
        types: "./esm/mod.d.ts",
        import: "./esm/mod.js",
        // `require(esm)` (Node 22.12+) resolves with the "require" and "default" conditions.
        default: "./esm/mod.js",
      },
      "./package.json": "./package.json",
    },
    main: "./esm/mod.js",
    types: "./esm/mod.d.ts",
    engines: { node: ">=22.3" },
    sideEffects: false,
    files: ["esm/", "README.md", "LICENSE"],
    // A scoped package is private on npm unless it says otherwise.
    publishConfig: { access: "public" },
  };
}

/**
 * Replaces the compiled `mod.js` at `path` by one file holding it and every module it imports
 * (`node:` modules stay imports). The input is the compiler's output, so the bundle is the checked
 * JavaScript, merely joined.
 * @throws {Error} When `deno bundle` fails.
 */
async function bundleLibrary(path: string): Promise<void> {
  const input = path.replace(/\.js$/, ".entry.js");
  await Deno.rename(path, input);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--no-config", "--no-lock", "--platform=deno", "-o", path, input],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `Cannot build npm package: deno bundle exited with code ${code}, received ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  await Deno.remove(input);
}

async function readVersion(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)) as { version?: unknown };
  if (typeof config.version !== "string" || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(config.version)) {
    throw new TypeError(
      `Cannot build npm package: deno.json must hold a semver version, received ${config.version}`,
    );
  }
  return config.version;
}

async function copyIfPresent(name: string, outDir: string): Promise<boolean> {
  try {
    await Deno.copyFile(`${ROOT}/${name}`, `${outDir}/${name}`);
    return true;
  } catch (err) {
    // A package without its README still works, so the package tests need not fail on it; the
    // caller decides (a release build does fail).
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Options of {@linkcode buildNpm}. */
export interface BuildOptions {
  /** Fail, rather than warn, when README.md or LICENSE is missing. Default: false. */
  release?: boolean;
  /**
   * Where to write the package. Default: `npm/` in the repository. The package tests build into
   * their own temporary folder, so that two test runs in one working tree cannot clobber each
   * other's build.
   */
  outDir?: string;
}

/**
 * Compiles the package into `npm/` (or `options.outDir`), replacing what was there.
 * @param options See {@linkcode BuildOptions}.
 * @returns The version built and the number of files emitted.
 * @throws {Error} On any TypeScript diagnostic, or a missing README.md or LICENSE in a release.
 */
export async function buildNpm(options: BuildOptions = {}): Promise<BuildResult> {
  const version = await readVersion();
  const outDir = options.outDir ?? OUT_DIR;
  await Deno.remove(outDir, { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await Deno.mkdir(outDir, { recursive: true });

  const compiler = compilerOptions(outDir);
  const program = ts.createProgram({
    rootNames: [...sourceFiles(), `${NODE_TYPES_DIR}/index.d.ts`],
    options: compiler,
    host: compilerHost(compiler),
  });
  const preEmit = ts.getPreEmitDiagnostics(program);
  if (preEmit.length > 0) throw diagnosticsError(preEmit);
  const emitted: string[] = [];
  const result = program.emit(undefined, (fileName, text) => {
    Deno.mkdirSync(fileName.slice(0, fileName.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(fileName, rewriteEmitted(fileName, text));
    emitted.push(fileName);
  });
  if (result.diagnostics.length > 0 || result.emitSkipped) {
    throw diagnosticsError(result.diagnostics);
  }
  const stray = emitted.filter((f) => !f.startsWith(`${outDir}/esm/`));
  if (stray.length > 0) {
    throw new Error(`Cannot build npm package: output outside ${outDir}/esm, received ${stray}`);
  }

  await bundleLibrary(`${outDir}/esm/mod.js`);
  await Deno.writeTextFile(
    `${outDir}/package.json`,
    JSON.stringify(packageJson(version), null, 2) + "\n",
  );
  for (const name of ["README.md", "LICENSE"]) {
    if (await copyIfPresent(name, outDir)) continue;
    if (options.release) throw new Error(`Cannot build npm release: ${name} is missing`);
    console.warn(`warning: ${name} is missing; not in the package`);
  }
  return { version, emitted: emitted.length };
}

if (import.meta.main) {
  const start = performance.now();
  const { version, emitted } = await buildNpm({ release: Deno.args.includes("--release") });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `built npm/ (${PACKAGE_NAME}@${version}, ${emitted} files, TypeScript ${TYPESCRIPT_VERSION}) in ${seconds}s`,
  );
}
