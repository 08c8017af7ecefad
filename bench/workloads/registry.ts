/**
 * Workload name to implementation.
 *
 * @module
 */

import { idle } from "./idle.ts";
import { latency } from "./latency.ts";
import { lateness } from "./lateness.ts";
import { longTask } from "./long_task.ts";
import type { WorkloadName } from "./names.ts";
import { payload } from "./payload.ts";
import { perType } from "./per_type.ts";
import { scaling } from "./scaling.ts";
import { startup } from "./startup.ts";
import { streams } from "./streams.ts";
import { throughput } from "./throughput.ts";
import type { Workload } from "./types.ts";

/** Every workload by name. */
export const WORKLOAD_RUNNERS: Record<WorkloadName, Workload> = {
  latency,
  throughput,
  payload,
  startup,
  idle,
  long_task: longTask,
  scaling,
  types: perType,
  lateness,
  streams,
};
