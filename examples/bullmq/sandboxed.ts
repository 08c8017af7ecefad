/**
 * BullMQ's own sandboxed processor for the comparison: BullMQ loads this file in a worker thread of
 * its own for each job it runs at once.
 *
 * @module
 */

import type { Job } from "bullmq";
import { type TourJob, tourLength } from "./jobs.ts";

/** Runs one job. */
export default function process(job: Job<TourJob>): Promise<number> {
  return Promise.resolve(tourLength(job.data));
}
