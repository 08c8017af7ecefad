/**
 * Permissions of a pool's workers, and how each runtime enforces them: the flags a child process
 * starts with (Deno's `--allow-*`/`--deny-*`, Node's permission model), and what threads can
 * enforce. A permission a runtime cannot enforce is refused with
 * {@linkcode UnenforceablePermissionError}, never ignored.
 *
 * Each permission is `true` (everything), `false` (nothing) or a list of what is allowed, as in
 * Deno's permission descriptors: paths for `read`, `write` and `ffi`, `host[:port]` for `net` and
 * `import`, variable names for `env`, program names for `run`, API names for `sys`. Given a
 * `permissions` object, a permission it leaves out is denied.
 *
 * @module
 */

import { UnenforceablePermissionError } from "../errors.ts";

/** One permission: `true` allows everything, `false` nothing, a list only what it names. */
export type PermissionGrant = boolean | string[];

/**
 * What a pool's workers may do. A permission left out is denied; without a `permissions` option
 * at all, workers have the host's own permissions.
 */
export interface Permissions {
  /** File system reads: paths (a directory covers what is under it). */
  read?: PermissionGrant;
  /** File system writes: paths (a directory covers what is under it). */
  write?: PermissionGrant;
  /** Network connections and listeners: `host`, `host:port` or IP addresses. */
  net?: PermissionGrant;
  /** Environment variables: their names. */
  env?: PermissionGrant;
  /** Starting subprocesses: program names or paths. */
  run?: PermissionGrant;
  /** Loading native libraries (FFI, Node's addons): paths. */
  ffi?: PermissionGrant;
  /** Information about the system: API names (`hostname`, `osRelease`, ...). */
  sys?: PermissionGrant;
  /** Importing modules from remote hosts: `host` or `host:port`. */
  import?: PermissionGrant;
}

/** The names of every permission, in the order messages list them. */
export const PERMISSION_NAMES = [
  "read",
  "write",
  "net",
  "env",
  "run",
  "ffi",
  "sys",
  "import",
] as const;

/** One permission's name. */
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** The runtimes a worker can run on. */
export type RuntimeName = "deno" | "node" | "bun";

/** Options of {@linkcode processPermissionFlags}. */
export interface PermissionFlagOptions {
  /**
   * Modules the child itself must load (its entry, weft's files, the task modules): `file:`
   * URLs or paths are added to what it may read, `http:`/`https:` URLs' hosts to what it may
   * import (Deno), whatever `permissions` says. Default: none.
   */
  loads?: readonly (string | URL)[];
  /**
   * The Node.js version the child runs (`22.12.0`), which decides the permission flag's name.
   * Default: the host's own version when the host is Node.js, else a current one.
   */
  nodeVersion?: string;
}

const RUNTIME_NAMES: Record<RuntimeName, string> = { deno: "Deno", node: "Node.js", bun: "Bun" };

/**
 * What Node's permission model (22 and 24) controls, and the flag that allows it. It has no
 * control over the network, the environment, system information or remote imports; a `run` or
 * `ffi` grant is all or nothing.
 */
const NODE_FLAGS: Partial<Record<PermissionName, string>> = {
  read: "--allow-fs-read",
  write: "--allow-fs-write",
  run: "--allow-child-process",
  ffi: "--allow-addons",
};

/** The permissions a Node.js child enforces, as messages name them. */
const NODE_ENFORCES = "read, write, run and ffi (run and ffi as all or nothing)";

/**
 * The command-line flags that start a child `runtime` process with `permissions`.
 *
 * - Deno: `--no-prompt`, then per permission `--allow-<name>` (true), `--allow-<name>=a,b` (a
 *   list) or `--deny-<name>` (false or left out; `--deny-import` also turns off Deno's default
 *   list of hosts it may import from).
 * - Node.js: its permission model (`--permission`, `--experimental-permission` before 22.13),
 *   with `--allow-fs-read`/`--allow-fs-write` per path (`*` for true), `--allow-addons` for
 *   `ffi: true`, and `--allow-child-process` with `--allow-worker` for `run: true` (worker
 *   threads are otherwise denied: Node warns that they could invalidate its permission model).
 * - Bun has no permission model: any permission it would have to deny is refused.
 *
 * @param runtime The child's runtime.
 * @param permissions What its code may do; left-out permissions are denied.
 * @param options What the child itself must load, and Node's version.
 * @returns The flags, to place before the script.
 * @throws {UnenforceablePermissionError} When `runtime` cannot enforce a permission: `net`,
 * `env`, `sys` or `import` other than `true` on Node.js (`import` other than `false`), a `run`
 * or `ffi` list on Node.js, anything but `true` on Bun.
 * @throws {RangeError} When a Deno list entry contains a comma, which its flags cannot express.
 */
export function processPermissionFlags(
  runtime: RuntimeName,
  permissions: Permissions,
  options: PermissionFlagOptions = {},
): string[] {
  const loads = loadedResources(options.loads ?? []);
  switch (runtime) {
    case "deno":
      return denoFlags(permissions, loads);
    case "node":
      return nodeFlags(permissions, loads.paths, options.nodeVersion ?? hostNodeVersion());
    case "bun":
      for (const name of PERMISSION_NAMES) {
        if (grantOf(permissions, name) !== true) {
          throw unenforceable(name, permissions, "bun", "process", "it has no permission model");
        }
      }
      return [];
  }
}

/** The Deno flag without which a Worker cannot take permissions (Deno 2.9). */
export const DENO_WORKER_FLAG = "--unstable-worker-options";

/**
 * True when `permissions` denies or narrows anything; a pool whose permissions are all `true`
 * runs as one without them.
 */
export function restricts(permissions: Permissions): boolean {
  return PERMISSION_NAMES.some((name) => grantOf(permissions, name) !== true);
}

/**
 * Checks that thread workers on `runtime` can enforce `permissions`. Deno's can, through the
 * Web Worker's own permissions, when Deno runs with {@linkcode DENO_WORKER_FLAG}; a Node.js or
 * Bun thread shares its process's access, so any permission other than `true` is refused there.
 * @param options `inline`: the pool also runs calls on the host (its inliner), where nothing
 * enforces permissions.
 * @throws {UnenforceablePermissionError} Naming the first such permission and what would
 * enforce it, or the flag Deno lacks, or the inliner.
 */
export function checkThreadPermissions(
  runtime: RuntimeName,
  permissions: Permissions,
  options: { inline?: boolean } = {},
): void {
  const name = PERMISSION_NAMES.find((name) => grantOf(permissions, name) !== true);
  if (name === undefined) return;
  if (options.inline === true) {
    throw new UnenforceablePermissionError(
      `Cannot create pool: the inliner runs calls on the host, where permissions.${name} cannot be enforced; leave out inliner or permissions, received ${
        shownGrant(permissions, name)
      } with an inliner`,
      { permission: name, runtime, isolation: "inline" },
    );
  }
  if (runtime === "deno") {
    if (denoFlagGiven(DENO_WORKER_FLAG) !== false) return;
    throw new UnenforceablePermissionError(
      `Cannot create pool: Deno threads enforce permissions only when Deno runs with ${DENO_WORKER_FLAG} (a Worker's own permissions are unstable in Deno 2), so run \`deno run ${DENO_WORKER_FLAG} ...\` or use isolation: "process", received ${
        shownGrant(permissions, name)
      } without the flag`,
      { permission: name, runtime, isolation: "thread" },
    );
  }
  const elsewhere = runtime === "node" && name in NODE_FLAGS
    ? `isolation: "process" on Node.js enforces ${NODE_ENFORCES}; Deno enforces every permission`
    : "Deno enforces every permission, on threads and processes";
  throw new UnenforceablePermissionError(
    `Cannot create pool: ${
      RUNTIME_NAMES[runtime]
    } threads cannot enforce permissions.${name} (a thread shares its process's access; ${elsewhere}), received ${
      shownGrant(permissions, name)
    }`,
    { permission: name, runtime, isolation: "thread" },
  );
}

/**
 * Whether Deno runs with `flag`, read from its command line where the system shows it
 * (`/proc/self/cmdline`, with read access to it already granted: never a prompt). Undefined
 * where it cannot be told; then Deno's own check ends the process naming the flag if it is
 * missing. A flag enabled through `deno.json`'s `"unstable"` list is not seen here.
 */
function denoFlagGiven(flag: string): boolean | undefined {
  const deno = (globalThis as unknown as { Deno: DenoFiles }).Deno;
  const path = "/proc/self/cmdline";
  try {
    if (deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
    return new TextDecoder().decode(deno.readFileSync(path)).split("\0").includes(flag);
  } catch {
    // No such file (macOS, Windows): the command line cannot be read, so leave it to Deno.
    return undefined;
  }
}

interface DenoFiles {
  permissions: { querySync(descriptor: { name: "read"; path: string }): { state: string } };
  readFileSync(path: string): Uint8Array;
}

/**
 * `permissions` as Deno's Worker takes them (`deno.permissions`): each permission as given, a
 * left-out one `false`, with what the worker must load added to `read` and `import`.
 * @param loads Modules the worker itself loads (its entry and the task modules).
 */
export function denoWorkerPermissions(
  permissions: Permissions,
  loads: readonly (string | URL)[],
): Record<PermissionName, PermissionGrant> {
  const needed = loadedResources(loads);
  const out = {} as Record<PermissionName, PermissionGrant>;
  for (const name of PERMISSION_NAMES) {
    out[name] = withNeeded(
      grantOf(permissions, name),
      needed[name === "import" ? "hosts" : "paths"],
      name,
    );
  }
  return out;
}

interface Loaded {
  paths: string[];
  hosts: string[];
}

/** Files to read and hosts to import from, for the modules in `loads`. */
function loadedResources(loads: readonly (string | URL)[]): Loaded {
  const paths: string[] = [];
  const hosts: string[] = [];
  for (const load of loads) {
    const text = String(load);
    if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) paths.push(text);
    else {
      const url = new URL(text);
      if (url.protocol === "file:") paths.push(decodeURIComponent(url.pathname));
      else if (url.protocol === "http:" || url.protocol === "https:") hosts.push(url.host);
    }
  }
  return { paths, hosts };
}

/** `grant`, widened by what must be reachable; only `read` and `import` are widened. */
function withNeeded(
  grant: PermissionGrant,
  needed: string[],
  name: PermissionName,
): PermissionGrant {
  if (grant === true || needed.length === 0 || (name !== "read" && name !== "import")) return grant;
  return [...new Set([...(grant === false ? [] : grant), ...needed])];
}

function grantOf(permissions: Permissions, name: PermissionName): PermissionGrant {
  const grant = permissions[name];
  if (grant === undefined) return false;
  return Array.isArray(grant) && grant.length === 0 ? false : grant;
}

function denoFlags(permissions: Permissions, loads: Loaded): string[] {
  const flags = ["--no-prompt"];
  for (const name of PERMISSION_NAMES) {
    const needed = name === "import" ? loads.hosts : loads.paths;
    const grant = withNeeded(grantOf(permissions, name), needed, name);
    if (grant === true) flags.push(`--allow-${name}`);
    else if (grant === false) flags.push(`--deny-${name}`);
    else {
      const comma = grant.find((entry) => entry.includes(","));
      if (comma !== undefined) {
        throw new RangeError(
          `Cannot create pool: a Deno process's --allow-${name} cannot name an entry with a comma, received ${name}: ${
            JSON.stringify(comma)
          }`,
        );
      }
      flags.push(`--allow-${name}=${grant.join(",")}`);
    }
  }
  return flags;
}

function nodeFlags(permissions: Permissions, loads: string[], version: string): string[] {
  const flags = [permissionFlag(version)];
  for (const name of PERMISSION_NAMES) {
    const grant = grantOf(permissions, name);
    const flag = NODE_FLAGS[name];
    if (flag === undefined) {
      // Node has no remote imports to deny, and nothing that allows them.
      if (name === "import" ? grant === false : grant === true) continue;
      const why = name === "import"
        ? "it cannot import modules from remote hosts at all, so import must be false"
        : `its permission model has no control over ${name}, so ${name} must be true to run there`;
      throw unenforceable(name, permissions, "node", "process", why);
    }
    if (name === "read" || name === "write") {
      const paths = grant === true
        ? ["*"]
        : [...(grant === false ? [] : grant), ...(name === "read" ? loads : [])];
      for (const path of new Set(paths)) flags.push(`${flag}=${path}`);
    } else if (grant === true) {
      // A process that may start any program can start an unrestricted `node`, so worker
      // threads (which Node warns "could invalidate the permission model") grant nothing more.
      flags.push(flag, ...(name === "run" ? ["--allow-worker"] : []));
    } else if (grant !== false) {
      throw unenforceable(name, permissions, "node", "process", `its ${flag} is all or nothing`);
    }
  }
  return flags;
}

/** Node's flag that turns the permission model on: renamed from its experimental name in 22.13. */
function permissionFlag(version: string): string {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
}

/** The host's Node.js version when the host is Node.js, else one with today's flag names. */
function hostNodeVersion(): string {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
  };
  const own = g.Deno === undefined && g.Bun === undefined ? g.process?.versions?.node : undefined;
  return own ?? "24.0.0";
}

function unenforceable(
  name: PermissionName,
  permissions: Permissions,
  runtime: RuntimeName,
  isolation: "thread" | "process",
  why: string,
): UnenforceablePermissionError {
  return new UnenforceablePermissionError(
    `Cannot create pool: ${
      RUNTIME_NAMES[runtime]
    } processes cannot enforce permissions.${name} (${why}; Deno enforces every permission, on threads and processes), received ${
      shownGrant(permissions, name)
    }`,
    { permission: name, runtime, isolation },
  );
}

/** A permission as messages show it: `read: ["/tmp"]`, or `net left out (denied)`. */
function shownGrant(permissions: Permissions, name: PermissionName): string {
  const grant = permissions[name];
  return grant === undefined ? `${name} left out (denied)` : `${name}: ${JSON.stringify(grant)}`;
}
