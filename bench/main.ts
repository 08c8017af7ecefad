/**
 * `deno task bench`: runs every workload against weft, the raw postMessage baseline, piscina,
 * tinypool, workerpool, and local WebSocket and HTTP servers, on Deno, Node 24 and Bun (each
 * pinned and fetched through npx), each system in its own process; prints a table per workload
 * with medians, minimums, each system's ratio to weft and the targets' PASS/MISS; writes
 * `bench/results/latest.json`, `latest.md` and `headline.svg`.
 *
 * Options: `--quick` (under 2 minutes), `--threads N` (scaling workload), `--runtimes deno,bun`,
 * `--systems weft,postMessage`, `--workloads latency,payload`, `--rounds N`, `--reps N`.
 *
 * @module
 */

import { buildPackage } from "./lib/build_package.ts";
import { ensureDeps } from "./lib/ensure_deps.ts";
import { runJobs } from "./lib/jobs.ts";
import { parseOptions } from "./lib/options.ts";
import { Progress } from "./lib/progress.ts";
import { benchRuntimes } from "./lib/runtimes.ts";
import { writeResults } from "./report/write.ts";
import { SYSTEMS } from "./systems/catalog.ts";
import { WORKLOADS } from "./workloads/names.ts";

const options = parseOptions(Deno.args);
const progress = new Progress();
await ensureDeps();
progress.show("Locating the pinned runtimes (npx) ...");
const runtimes = await benchRuntimes(options.runtimes);
const systems = SYSTEMS.filter((s) => options.systems?.includes(s.name) ?? true);
const workloads = WORKLOADS.filter((w) => options.workloads?.includes(w) ?? true);
if (systems.some((s) => s.name === "weft-npm") && runtimes.some((r) => r.name !== "deno")) {
  progress.show("Building the npm package for weft-npm ...");
  await buildPackage();
}

const results = await runJobs(runtimes, systems, workloads, options, progress);
progress.done();
const markdown = await writeResults(
  results,
  runtimes.map((r) => r.name),
  systems.map((s) => s.name),
  workloads,
  options,
  progress.seconds,
);
console.log(markdown);
console.log(
  `\nWrote bench/results/latest.md, latest.json and headline.svg (${
    Math.round(progress.seconds)
  } s).`,
);
