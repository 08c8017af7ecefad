/**
 * weft: call a function on a worker thread as if it were a local async function. Calls travel
 * through shared-memory mailboxes, not `postMessage`, so small and frequent tasks are worth
 * offloading. The same code runs on Deno, Node.js and Bun.
 *
 * @example
 * ```ts
 * import { createPool, isMain } from "@weft/weft";
 * // math_tasks.ts: export const add = task({ f: ([a, b]: [number, number]) => a + b });
 * import { add } from "./examples/math_tasks.ts";
 *
 * if (isMain) {
 *   const pool = createPool({ threads: 1 })({ add });
 *   console.log(await pool.call.add([1, 2])); // 3
 *   await pool.shutdown();
 * }
 * ```
 *
 * @module
 */

export { task } from "./src/task.ts";
export type { Task, TaskDefinition } from "./src/task.ts";
export { importTask } from "./src/import_task.ts";
export type { ImportedTask, ImportTaskDefinition } from "./src/import_task.ts";
export { createPool } from "./src/pool.ts";
export type {
  BroadcastCall,
  Pool,
  PoolBroadcasts,
  PoolCalls,
  PoolControl,
  PoolOpens,
  PoolStats,
  PoolSyncCalls,
  SingleTaskPool,
  SyncCallArgs,
  SyncTaskCall,
  TaskMap,
} from "./src/pool.ts";
export { isMain } from "./src/is_main.ts";
export { transfer } from "./src/transfer.ts";
export type {
  AnyTaskCall,
  ArgOf,
  BootstrapOptions,
  CallArgs,
  CallOptions,
  CallResult,
  Channel,
  ChannelOf,
  CloseOptions,
  ElasticThreadsOptions,
  HighWaterMark,
  InlinerOptions,
  PayloadOptions,
  PermissionGrant,
  Permissions,
  PoolOptions,
  RecycleOptions,
  ResourceLimits,
  StreamCall,
  TaskCall,
  TaskOpen,
  WorkerOptions,
} from "./src/types.ts";
export {
  PoolClosedError,
  QueueFullError,
  TimeoutError,
  UnenforceablePermissionError,
  WorkerCrashedError,
  WorkerStartError,
} from "./src/errors.ts";
export type { TaskContext } from "./src/worker/task_context.ts";
export type { TaskStats, TimeDistribution } from "./src/host/task_stats.ts";
export type { SyncCallOptions } from "./src/host/call_sync.ts";
export { type ErrorClass, registerError } from "./src/register_error.ts";
