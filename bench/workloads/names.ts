/**
 * The workload names, in the order they run and are reported.
 *
 * @module
 */

/** Every workload, in order. */
export const WORKLOADS = [
  "latency",
  "throughput",
  "payload",
  "startup",
  "idle",
  "long_task",
  "scaling",
  "types",
  "lateness",
  "streams",
] as const;

/** A workload's name. */
export type WorkloadName = typeof WORKLOADS[number];
