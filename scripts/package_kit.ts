/**
 * What the package tests (`scripts/test_npm.ts`, `scripts/test_field.ts`) share: running a child
 * command with its output echoed behind a label, counting named checks into one closing line,
 * and building, packing and installing the npm package as a user gets it.
 *
 * Child output is echoed as `label | line`, so that `scripts/test_all.ts` counts only the closing
 * line `<stage>: N passed, N failed` of each stage, never a runner's own counts.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a finished child command left. */
export interface Ran {
  /** Exit code. */
  code: number;
  /** Standard output and standard error, interleaved as they came. */
  text: string;
  /** Standard output alone. */
  stdout: string;
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** Working folder. */
  cwd: string;
  /** Echo standard output. Default: true. */
  echo?: boolean;
  /** Echo nothing, not even standard error (the caller shows the output if it must). */
  quiet?: boolean;
  /** Variables set on top of this process's environment. Default: none. */
  env?: Record<string, string>;
}

/**
 * Runs `cmd`, echoing its output line by line behind `label |`.
 * @returns The exit code and the output.
 */
export async function run(label: string, cmd: string[], options: RunOptions): Promise<Ran> {
  const echo = (options.echo ?? true) && !options.quiet;
  console.log(`${label} | $ ${cmd.join(" ")}`);
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
  }).spawn();
  let text = "";
  let stdout = "";
  const pump = async (stream: ReadableStream<Uint8Array>, show: boolean, out: boolean) => {
    let pending = "";
    for await (const chunk of stream) {
      const s = decoder.decode(chunk, { stream: true });
      text += s;
      if (out) stdout += s;
      pending += s;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      if (!show) continue;
      for (const line of lines) Deno.stdout.writeSync(encoder.encode(`${label} | ${line}\n`));
    }
    if (show && pending !== "") Deno.stdout.writeSync(encoder.encode(`${label} | ${pending}\n`));
  };
  await Promise.all([pump(child.stdout, echo, true), pump(child.stderr, !options.quiet, false)]);
  const { code } = await child.status;
  return { code, text, stdout };
}

/** The passed and failed count of one check. */
export interface Outcome {
  passed: number;
  failed: number;
}

/** One check that passes when the command exited 0. */
export function exitCheck(ran: Ran): Outcome {
  return ran.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

/** One check that passes when `ok` holds; says why not, behind `label |`, when it does not. */
export function check(label: string, ok: boolean, why: string): Outcome {
  if (!ok) console.log(`${label} | failed: ${why}`);
  return ok ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

interface Counted extends Outcome {
  name: string;
  seconds: number;
}

/** Named checks of one stage, timed, summed up in one closing line. */
export class Checks {
  readonly #stage: string;
  readonly #start = performance.now();
  readonly #counted: Counted[] = [];

  /** @param stage The closing line's leading word (`npm`, `field`). */
  constructor(stage: string) {
    this.#stage = stage;
  }

  /**
   * Runs one check. A check that throws (a command that cannot start, a missing file) fails that
   * check only; the remaining checks still run and the summary still prints.
   */
  async run(name: string, body: () => Promise<Outcome> | Outcome): Promise<void> {
    const start = performance.now();
    let outcome: Outcome;
    try {
      outcome = await body();
    } catch (err) {
      console.log(`${name} | error: ${err instanceof Error ? err.stack : String(err)}`);
      outcome = { passed: 0, failed: 1 };
    }
    const seconds = (performance.now() - start) / 1000;
    this.#counted.push({ name, ...outcome, seconds });
    console.log(
      `${name} | ${outcome.passed} passed, ${outcome.failed} failed (${seconds.toFixed(1)}s)`,
    );
  }

  /** Counts a failure that happened outside any check (the setup). */
  fail(name: string, err: unknown): void {
    console.log(`${this.#stage} | error: ${err instanceof Error ? err.stack : String(err)}`);
    this.#counted.push({ name, passed: 0, failed: 1, seconds: 0 });
  }

  /** Prints the table and the closing line, and exits: non-zero on any failure. */
  finish(): never {
    console.log(`\n${`${this.#stage} check`.padEnd(32)} passed  failed  seconds`);
    for (const c of this.#counted) {
      console.log(
        `${c.name.padEnd(32)} ${String(c.passed).padStart(6)}  ${String(c.failed).padStart(6)}  ${
          c.seconds.toFixed(1).padStart(7)
        }`,
      );
    }
    const passed = this.#counted.reduce((n, c) => n + c.passed, 0);
    const failed = this.#counted.reduce((n, c) => n + c.failed, 0);
    console.log(`(${((performance.now() - this.#start) / 1000).toFixed(1)}s)`);
    console.log(`${this.#stage}: ${passed} passed, ${failed} failed`);
    Deno.exit(failed > 0 ? 1 : 0);
  }
}

/** The package, built and packed. */
export interface Packed {
  /** Path of the `.tgz` file. */
  tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  files: string[];
  /** The version built. */
  version: string;
}

/**
 * The variable that names a folder where one run of `scripts/test_all.ts` keeps the package it
 * packed, so that its stages build it once between them.
 */
export const PACK_DIR_VARIABLE = "WEFT_PACK_DIR";

/**
 * Builds the package into `dir/package` (as `deno task build:npm` does, but in a folder of the
 * caller's, so that concurrent runs in one working tree do not clash) and packs it into `dir`
 * with `npm pack`. Where {@linkcode PACK_DIR_VARIABLE} names a folder, the tarball packed there by
 * an earlier stage of the same run is copied instead, or this one is left there for the next.
 */
export async function buildAndPack(dir: string): Promise<Packed> {
  // Loaded here, not at the top: the compiler it brings is slow to load, and `scripts/test_all.ts`
  // imports this module for PACK_DIR_VARIABLE alone.
  const { buildNpm, PACKAGE_NAME } = await import("./build_npm.ts");
  const shared = Deno.env.get(PACK_DIR_VARIABLE);
  const note = shared === undefined ? undefined : `${shared}/packed.json`;
  if (note !== undefined) {
    try {
      const packed = JSON.parse(Deno.readTextFileSync(note)) as Packed;
      const tarball = `${dir}/${packed.tarball.slice(packed.tarball.lastIndexOf("/") + 1)}`;
      Deno.copyFileSync(packed.tarball, tarball);
      console.log(`pack | ${PACKAGE_NAME}@${packed.version} as this run packed it before`);
      return { ...packed, tarball };
    } catch (err) {
      // Nothing packed yet in this run: build below.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  const built = `${dir}/package`;
  const { version } = await buildNpm({ outDir: built });
  const packCmd = ["npm", "pack", "--json", "--loglevel=error", "--pack-destination", dir];
  const pack = await run("pack", packCmd, { cwd: built, echo: false });
  if (pack.code !== 0) throw new Error(`Cannot pack ${built}: npm pack exited with ${pack.code}`);
  const listed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  console.log(`pack | packed ${PACKAGE_NAME}@${version} as ${listed[0].filename}`);
  const packed = {
    tarball: `${dir}/${listed[0].filename}`,
    files: listed[0].files.map((f) => f.path),
    version,
  };
  if (shared !== undefined && note !== undefined) {
    const kept = `${shared}/${listed[0].filename}`;
    Deno.copyFileSync(packed.tarball, kept);
    Deno.writeTextFileSync(note, JSON.stringify({ ...packed, tarball: kept }));
  }
  return packed;
}

/** The flags of every `npm install` here: quiet, and from npm's cache where it can. */
export const NPM_INSTALL_FLAGS: readonly string[] = [
  "--no-audit",
  "--no-fund",
  "--prefer-offline",
  "--loglevel=error",
];

/**
 * Installs `specs` (a tarball path, `name@version`) into the project at `project` with npm.
 * @throws {Error} When npm fails.
 */
export async function npmInstall(
  label: string,
  project: string,
  specs: string[],
  env?: Record<string, string>,
): Promise<void> {
  const ran = await run(label, ["npm", "install", ...NPM_INSTALL_FLAGS, ...specs], {
    cwd: project,
    env,
  });
  if (ran.code !== 0) {
    throw new Error(`Cannot install ${specs.join(" ")} into ${project}: npm exited ${ran.code}`);
  }
}
