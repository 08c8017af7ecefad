/**
 * The options of `createPool` and `close`: their schema, their defaults, and the limits on
 * `threads`. `createPool` checks every option here before it starts anything.
 *
 * @module
 */

import {
  DEFAULT_PAYLOAD_INITIAL_BYTES,
  DEFAULT_PAYLOAD_MAX_BYTES,
  MAX_PAYLOAD_BYTES,
} from "../memory/region.ts";
import type { ResourceLimits, WorkerProcessOptions } from "../runtime/adapter.ts";
import { PERMISSION_NAMES, type Permissions, restricts } from "../runtime/permissions.ts";
import type { RecycleLimits } from "./recycle.ts";
import type { InlinerSettings } from "./inline_lane.ts";
import type { BootstrapRef } from "../worker/init.ts";
import { TIMEOUT_MS } from "./call_options.ts";
import {
  BOOLEAN,
  checkOptions,
  CLONEABLE,
  finite,
  GRANT,
  group,
  integer,
  MODULE_URL,
  NON_EMPTY_STRING,
  oneOf,
  orGroup,
  type Schema,
  shown,
  STRING_RECORD,
  STRINGS,
} from "./option_schema.ts";

/** How many threads per unit of available parallelism a pool may have without `allowOversubscribe`. */
export const THREADS_PER_CORE = 4;
/**
 * The most threads any pool may have. Each worker costs an OS thread and about 10 MiB (an engine
 * instance, its heap and two payload buffers); past a thousand the machine, not the pool, is the
 * limit, and such a count is far more likely a mistake than a plan.
 */
export const MAX_THREADS = 1024;

/** Where the inline lane may stand. */
export const INLINE_POSITIONS = ["first", "last"] as const;
/** Default of `inliner.batchSize`: calls the host runs in one macrotask. */
export const DEFAULT_INLINE_BATCH = 32;
/** Where a pool's tasks run. */
export const ISOLATIONS = ["thread", "process"] as const;
/** The runtimes a process worker can run on. */
export const CHILD_RUNTIMES = ["deno", "node", "bun"] as const;

/** The balancers a pool can route calls with. */
export const BALANCERS = ["roundRobin", "leastBusy", "firstIdle"] as const;

const nonNegative = finite("a non-negative finite number", 0);
const megabytes = finite("a positive number of megabytes", 0, true);

/** Every option of `createPool`, nested ones too. */
const POOL_SCHEMA: Schema = {
  threads: orGroup(
    // 0 only with an inliner (checked in `resolvePoolOptions`).
    integer(0, Number.MAX_SAFE_INTEGER, "a positive integer"),
    {
      min: integer(0, Number.MAX_SAFE_INTEGER, "a non-negative integer"),
      max: integer(1, Number.MAX_SAFE_INTEGER, "a positive integer"),
      idleTimeout: nonNegative,
    },
    "a positive integer (0 with an inliner) or an object { min, max, idleTimeout }",
  ),
  allowOversubscribe: BOOLEAN,
  module: MODULE_URL,
  payload: group({
    payloadInitialBytes: integer(0, MAX_PAYLOAD_BYTES),
    payloadMaxByteLength: integer(1, MAX_PAYLOAD_BYTES),
  }),
  worker: group({
    spinMicroseconds: nonNegative,
    parkMicroseconds: nonNegative,
    gcOnIdle: BOOLEAN,
    bootstrap: group({ href: MODULE_URL, name: NON_EMPTY_STRING, data: CLONEABLE }),
    env: STRING_RECORD,
    argv: STRINGS,
    execArgv: STRINGS,
  }),
  hostSpinMicroseconds: nonNegative,
  maxQueue: integer(0, Number.MAX_SAFE_INTEGER, "a non-negative integer or Infinity", true),
  timeoutGrace: nonNegative,
  resourceLimits: group({
    maxOldGenerationSizeMb: megabytes,
    maxYoungGenerationSizeMb: megabytes,
    codeRangeSizeMb: megabytes,
    // Below 1 MB the codec's nesting limit no longer fits: a worker with 0.5 MB ran out of
    // stack decoding 400 levels of `Map`s (Node 24), and at 0.25 MB workers fail to start.
    stackSizeMb: finite("a number of megabytes of at least 1", 1),
  }),
  balancer: oneOf(BALANCERS),
  permissions: group(Object.fromEntries(PERMISSION_NAMES.map((name) => [name, GRANT]))),
  inliner: group({
    position: oneOf(INLINE_POSITIONS),
    batchSize: integer(1, Number.MAX_SAFE_INTEGER, "a positive integer"),
    dispatchThreshold: integer(0, Number.MAX_SAFE_INTEGER, "a non-negative integer"),
  }),
  recycle: group({
    afterCalls: integer(1, Number.MAX_SAFE_INTEGER, "a positive integer"),
    memoryBytes: integer(1, Number.MAX_SAFE_INTEGER, "a positive integer number of bytes"),
  }),
  taskTimings: BOOLEAN,
  isolation: oneOf(ISOLATIONS),
  runtime: oneOf(CHILD_RUNTIMES),
  command: STRINGS,
  allowRemoteModules: BOOLEAN,
};

/** The options of `close`. */
const CLOSE_SCHEMA: Schema = {
  timeout: TIMEOUT_MS,
};

/** An elastic pool's bounds (`threads: { min, max, idleTimeout }`), checked. */
export interface ElasticThreads {
  /** Workers kept however idle the pool is; the pool starts with these. */
  min: number;
  /** Most workers the pool grows to while calls wait. */
  max: number;
  /** Milliseconds a worker above `min` may go without work before it ends. */
  idleTimeout: number;
}

/** The options of `createPool`, checked and with their defaults filled in. */
export interface ResolvedPoolOptions {
  /** Workers started with the pool (an elastic pool's `min`). */
  threads: number;
  /** Set when `threads` is `{ min, max, idleTimeout }`. */
  elastic: ElasticThreads | undefined;
  /** The task module's URL when given; otherwise the tasks' own modules are used. */
  module: string | undefined;
  payloadInitialBytes: number;
  payloadMaxByteLength: number;
  spinMicroseconds: number;
  parkMicroseconds: number;
  gcOnIdle: boolean;
  hostSpinMicroseconds: number;
  maxQueue: number;
  timeoutGrace: number;
  resourceLimits: ResourceLimits | undefined;
  /** `worker.bootstrap`, its `href` as given (resolved against the caller by `createPool`). */
  bootstrap: BootstrapRef | undefined;
  /** Whether `stats().tasks` keeps run-time and wait-time distributions. */
  taskTimings: boolean;
  /** `worker.env`, `worker.argv`, `worker.execArgv`. */
  process: WorkerProcessOptions;
  /** Undefined: the dispatcher's default. */
  balancer: (typeof BALANCERS)[number] | undefined;
  /** Undefined: the workers have the host's own permissions (all `true` comes out so too). */
  permissions: Permissions | undefined;
  /** Set when `recycle` sets a limit. */
  recycle: RecycleLimits | undefined;
  /** Set when the host runs calls too. */
  inliner: InlinerSettings | undefined;
  isolation: (typeof ISOLATIONS)[number];
  /** The child's runtime (process isolation); undefined: the host's own. */
  runtime: (typeof CHILD_RUNTIMES)[number] | undefined;
  /** The argv before a process worker's runtime. */
  command: string[];
  /** Process workers may import task modules from `http:`/`https:` URLs. */
  allowRemoteModules: boolean;
}

/** Default of `worker.spinMicroseconds`. */
export const DEFAULT_SPIN_MICROSECONDS = 50;
/** Default of `worker.parkMicroseconds`. */
export const DEFAULT_PARK_MICROSECONDS = 2000;
/** Default of `hostSpinMicroseconds`. */
export const DEFAULT_HOST_SPIN_MICROSECONDS = 20;
/** Default of `timeoutGrace`, in milliseconds. */
export const DEFAULT_TIMEOUT_GRACE_MS = 1000;
/**
 * Default of `threads.idleTimeout`, in milliseconds. A worker takes tens of milliseconds to start
 * (an engine, weft and the task modules): kept for seconds after its last call, it is not ended
 * and started again between the bursts of a bursty load, and still goes once the load is over.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 5000;
/** Default of `threads.min`. */
export const DEFAULT_MIN_THREADS = 1;

/**
 * Checks the options of `createPool` and fills in the defaults.
 *
 * @param options What the caller passed.
 * @param parallelism The runtime's available parallelism, which bounds `threads`.
 * @throws {TypeError} When an option's name is unknown or its value has the wrong type.
 * @throws {RangeError} When a value is out of range.
 */
export function resolvePoolOptions(options: unknown, parallelism: number): ResolvedPoolOptions {
  checkOptions("create pool", options, POOL_SCHEMA);
  // deno-lint-ignore no-explicit-any -- checked against the schema just above
  const o: Record<string, any> = options ?? {};
  const payloadInitialBytes = o.payload?.payloadInitialBytes ?? DEFAULT_PAYLOAD_INITIAL_BYTES;
  const payloadMaxByteLength = o.payload?.payloadMaxByteLength ?? DEFAULT_PAYLOAD_MAX_BYTES;
  if (payloadInitialBytes > payloadMaxByteLength) {
    throw new RangeError(
      `Cannot create pool: payload.payloadInitialBytes (${payloadInitialBytes}) must not exceed payload.payloadMaxByteLength, received ${
        shown(payloadMaxByteLength)
      }`,
    );
  }
  if (o.threads === 0 && o.inliner === undefined) {
    throw new RangeError(
      `Cannot create pool: threads must be at least 1 without an inliner (which runs calls on the host), received ${
        shown(o.threads)
      }`,
    );
  }
  // All `true` restricts nothing: such a pool runs as one without permissions.
  const permissions = o.permissions !== undefined && restricts(o.permissions)
    ? o.permissions as Permissions
    : undefined;
  const elastic = typeof o.threads === "object"
    ? elasticThreads(o.threads, o.allowOversubscribe === true, parallelism)
    : undefined;
  return {
    threads: elastic?.min ?? threadCount(o.threads, o.allowOversubscribe === true, parallelism),
    elastic,
    module: o.module === undefined ? undefined : String(o.module),
    payloadInitialBytes,
    payloadMaxByteLength,
    spinMicroseconds: o.worker?.spinMicroseconds ?? DEFAULT_SPIN_MICROSECONDS,
    parkMicroseconds: o.worker?.parkMicroseconds ?? DEFAULT_PARK_MICROSECONDS,
    gcOnIdle: o.worker?.gcOnIdle ?? true,
    hostSpinMicroseconds: o.hostSpinMicroseconds ?? DEFAULT_HOST_SPIN_MICROSECONDS,
    maxQueue: o.maxQueue ?? Infinity,
    timeoutGrace: o.timeoutGrace ?? DEFAULT_TIMEOUT_GRACE_MS,
    resourceLimits: o.resourceLimits,
    bootstrap: bootstrapOf(o.worker?.bootstrap),
    taskTimings: o.taskTimings ?? false,
    process: { env: o.worker?.env, argv: o.worker?.argv, execArgv: o.worker?.execArgv },
    balancer: o.balancer,
    permissions,
    recycle: o.recycle?.afterCalls !== undefined || o.recycle?.memoryBytes !== undefined
      ? { afterCalls: o.recycle.afterCalls, memoryBytes: o.recycle.memoryBytes }
      : undefined,
    inliner: o.inliner === undefined ? undefined : {
      position: o.inliner.position ?? "last",
      batchSize: o.inliner.batchSize ?? DEFAULT_INLINE_BATCH,
      dispatchThreshold: o.inliner.dispatchThreshold ?? 0,
    },
    ...isolationOptions(o),
  };
}

/** `worker.bootstrap` with its defaults; `href` is required. */
function bootstrapOf(
  bootstrap: { href?: string | URL; name?: string; data?: unknown } | undefined,
): BootstrapRef | undefined {
  if (bootstrap === undefined) return undefined;
  if (bootstrap.href === undefined) {
    throw new TypeError(
      "Cannot create pool: worker.bootstrap needs href, the module that exports the bootstrap function, received none",
    );
  }
  return { href: String(bootstrap.href), name: bootstrap.name ?? "default", data: bootstrap.data };
}

/** `isolation`, `runtime` and `command`; the last two need `isolation: "process"`. */
function isolationOptions(
  // deno-lint-ignore no-explicit-any -- checked against the schema by the caller
  o: Record<string, any>,
): Pick<ResolvedPoolOptions, "isolation" | "runtime" | "command" | "allowRemoteModules"> {
  const isolation = o.isolation ?? "thread";
  for (const name of ["runtime", "command", "allowRemoteModules"]) {
    if (o[name] !== undefined && isolation !== "process") {
      throw new TypeError(
        `Cannot create pool: ${name} applies to process workers only (set isolation: "process"), received isolation ${
          shown(isolation)
        }`,
      );
    }
  }
  if (isolation === "process") {
    // The inline lane would run tasks on the host, which process isolation keeps them off; a
    // process worker's heap is its child's, which the host's heap word does not see.
    const unsent = ["bootstrap", "env", "argv", "execArgv"].find((k) =>
      o.worker?.[k] !== undefined
    );
    const refused = o.inliner !== undefined
      ? ["inliner", "runs tasks on the host"]
      : unsent !== undefined
      ? [`worker.${unsent}`, "does not reach a process worker's child yet"]
      : o.taskTimings === true
      ? ["taskTimings", "reads stamps a process worker's child does not send yet"]
      : o.recycle?.memoryBytes !== undefined
      ? ["recycle.memoryBytes", "measures a thread's heap, not a child process's"]
      : undefined;
    if (refused !== undefined) {
      throw new TypeError(
        `Cannot create pool: ${refused[0]} ${
          refused[1]
        }, so it cannot be used with isolation: "process", received ${
          shown(
            refused[0] === "inliner"
              ? o.inliner
              : unsent !== undefined
              ? o.worker[unsent]
              : refused[0] === "taskTimings"
              ? o.taskTimings
              : o.recycle.memoryBytes,
          )
        }`,
      );
    }
  }
  return {
    isolation,
    runtime: o.runtime,
    command: [...(o.command ?? [])],
    allowRemoteModules: o.allowRemoteModules === true,
  };
}

/**
 * Checks that a process pool imports a task module from the network only when asked to: the
 * child would run code that neither the host nor the user's files hold.
 * @throws {TypeError} Naming the module and the option that allows it.
 */
export function checkRemoteModules(options: ResolvedPoolOptions, modules: readonly string[]): void {
  if (options.isolation !== "process" || options.allowRemoteModules) return;
  const remote = modules.find((m) => /^https?:/i.test(m));
  if (remote === undefined) return;
  throw new TypeError(
    `Cannot create pool: a process worker would import its tasks from the network (set allowRemoteModules: true to allow it), received ${remote}`,
  );
}

/**
 * The most threads a pool may have: {@linkcode THREADS_PER_CORE} per unit of `parallelism`, or
 * {@linkcode MAX_THREADS} with `allowOversubscribe` (never more than that).
 */
export function maxThreads(parallelism: number, allowOversubscribe: boolean): number {
  return allowOversubscribe
    ? MAX_THREADS
    : Math.min(MAX_THREADS, THREADS_PER_CORE * Math.max(1, parallelism));
}

/**
 * `threads` (or `threads.max`, named `name`), checked against its bound; by default the available
 * parallelism minus one.
 */
function threadCount(
  threads: number | undefined,
  allowOversubscribe: boolean,
  parallelism: number,
  name = "threads",
): number {
  if (threads === undefined) return Math.max(1, parallelism - 1);
  const max = maxThreads(parallelism, allowOversubscribe);
  if (threads <= max) return threads;
  const why = allowOversubscribe || max === MAX_THREADS
    ? `at most ${MAX_THREADS}, the limit for any pool`
    : `at most ${max} (${THREADS_PER_CORE} × the available parallelism of ${parallelism}) unless allowOversubscribe is true, which allows up to ${MAX_THREADS}`;
  throw new RangeError(`Cannot create pool: ${name} must be ${why}, received ${shown(threads)}`);
}

/**
 * `threads: { min, max, idleTimeout }` with its defaults: `min` 1, `max` the default thread count
 * (at least `min`), `idleTimeout` {@linkcode DEFAULT_IDLE_TIMEOUT_MS}.
 */
function elasticThreads(
  given: { min?: number; max?: number; idleTimeout?: number },
  allowOversubscribe: boolean,
  parallelism: number,
): ElasticThreads {
  const min = given.min ?? DEFAULT_MIN_THREADS;
  const max = given.max ?? Math.max(min, threadCount(undefined, false, parallelism));
  threadCount(max, allowOversubscribe, parallelism, "threads.max");
  if (min > max) {
    throw new RangeError(
      `Cannot create pool: threads.min (${min}) must not exceed threads.max, received ${
        shown(max)
      }`,
    );
  }
  return { min, max, idleTimeout: given.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS };
}

/**
 * Checks the options of `close`.
 * @throws {TypeError} When a name is unknown, or a value has the wrong type.
 * @throws {RangeError} When `timeout` is not a positive finite number.
 */
export function checkCloseOptions(options: unknown): void {
  checkOptions("close pool", options, CLOSE_SCHEMA);
}
