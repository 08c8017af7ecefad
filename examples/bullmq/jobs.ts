/**
 * The work each BullMQ job asks for: an exact 13-city travelling-salesman tour (from the TSP
 * example), its cities made up from the job's seed. Both kinds of worker run this function: the
 * weft pool through {@linkcode tourTask}, BullMQ's sandboxed processor through `sandboxed.ts`.
 *
 * @module
 */

import { task } from "../../mod.ts";
import { seeded } from "../kit/compare.ts";
import { solve } from "../tsp/solve.ts";

/** What a job carries. */
export interface TourJob {
  seed: number;
}

/** The shortest tour's length through the job's cities, rounded to micrometres of the unit square. */
export function tourLength({ seed }: TourJob): number {
  const random = seeded(seed);
  return Math.round(solve(Float64Array.from({ length: 26 }, random)).length * 1e6);
}

export const tourTask = task({ f: tourLength });
