/**
 * What a workload receives and returns, on the benchmark child's side.
 *
 * @module
 */

import type { StartSystem } from "../systems/types.ts";
import type { WorkloadName } from "./names.ts";

/** One figure set of one run: e.g. variant `inc ×50` with `{ avg_us, p99_us }`. */
export interface Sample {
  workload: WorkloadName;
  variant: string;
  metrics: Record<string, number>;
}

/** What a workload runs with. */
export interface WorkloadContext {
  /** Starts the system under test. */
  start: StartSystem;
  /** System name (a few workloads size their work by it: HTTP is slow). */
  system: string;
  /** Shorter budgets for `--quick`. */
  quick: boolean;
  /** Worker threads for the scaling workload. */
  threads: number;
  /** Reports what is running now. */
  progress(text: string): void;
  /** Reports something the tables should mention (a part left out, and why). */
  note(text: string): void;
}

/** A workload: measures one system and returns its samples. */
export type Workload = (context: WorkloadContext) => Promise<Sample[]>;

/** Systems that go through sockets and get a tenth of the calls of the thread pools. */
export function isNetwork(system: string): boolean {
  return system === "http" || system === "websocket";
}
