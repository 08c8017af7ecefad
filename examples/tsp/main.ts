/**
 * The travelling salesman: the shortest round trip through 13 random cities, solved exactly with
 * Held-Karp dynamic programming (2^13 subsets x 13 cities), one instance per call, on the main
 * thread and on a weft pool.
 *
 * Run: `deno task example tsp [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";
import { solve } from "./solve.ts";

export const solveTask = task({ f: solve });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const random = seeded(13);
  const instances = Array.from(
    { length: quick ? 60 : 600 },
    () => Float64Array.from({ length: 26 }, random),
  );
  const pool = createPool({ threads })({ solveTask });
  const result = await compare({
    name: "exact TSP, 13 cities",
    unit: "instances",
    items: instances,
    inline: solve,
    weft: (coords) => pool.call.solveTask(coords),
  });
  await pool.close();
  report("tsp", [result], { threads });
}
