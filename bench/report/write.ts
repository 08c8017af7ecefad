/**
 * Renders the results and writes them: `latest.md` (the tables), `latest.json` (every figure
 * with all its repetitions) and `headline.svg` into `bench/results/`.
 *
 * @module
 */

import type { RunResults } from "../lib/jobs.ts";
import type { BenchOptions } from "../lib/options.ts";
import type { WorkloadName } from "../workloads/names.ts";
import { headlineTable, workloadSection } from "./markdown.ts";
import { headlineSvg, type Panel } from "./svg.ts";
import { checkTargets } from "./targets.ts";

const RESULTS = new URL("../results/", import.meta.url);

const PANELS: Panel[] = [
  {
    title: "50-call batch of x + 1, avg µs per batch (shorter is better)",
    workload: "latency",
    variant: "inc ×50",
    metric: "avg_us",
    unit: "µs",
  },
  {
    title: "Throughput, x + 1 with 1,024 in flight (longer is better)",
    workload: "throughput",
    variant: "inc, 1024 in flight",
    metric: "calls_per_s",
    unit: "calls/s",
  },
  {
    title: "1 MiB Uint8Array echo, GB/s one way (longer is better)",
    workload: "payload",
    variant: "u8 1 MiB",
    metric: "gbps",
    unit: "GB/s",
  },
];

/** Writes the three result files and returns the Markdown report. */
export async function writeResults(
  results: RunResults,
  runtimes: readonly string[],
  systems: readonly string[],
  workloads: readonly WorkloadName[],
  options: BenchOptions,
  seconds: number,
): Promise<string> {
  const { figures, absences, versions } = results;
  // Only the targets of the workloads that were asked for (a run of one workload lists its own).
  const targets = runtimes.flatMap((r) => checkTargets(figures, r))
    .filter((t) => workloads.includes(t.workload));
  const sections = workloads
    .filter((w) => figures.of(w).length > 0)
    .map((w) => workloadSection(figures, w, runtimes, systems, targets, absences));
  const date = new Date().toISOString();
  const markdown = [
    "# weft benchmarks",
    "",
    `${date} · ${runtimes.map((r) => versions[r] ?? r).join(", ")} · ` +
    `${navigator.hardwareConcurrency} cores · ${options.quick ? "`--quick`" : "full"} run: ` +
    `${options.rounds} round(s) × ${options.reps} repetition(s) per process, ` +
    `${Math.round(seconds)} s. Figures are medians over the repetitions; "min" is the smallest.`,
    "",
    "## Headline: targets",
    "",
    headlineTable(targets),
    "",
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
  await Deno.mkdir(RESULTS, { recursive: true });
  await Deno.writeTextFile(new URL("latest.md", RESULTS), markdown);
  const json = {
    date,
    options,
    versions,
    seconds,
    absences,
    targets,
    figures: figures.all(),
  };
  await Deno.writeTextFile(
    new URL("latest.json", RESULTS),
    JSON.stringify(json, null, 1) + "\n",
  );
  await Deno.writeTextFile(
    new URL("headline.svg", RESULTS),
    headlineSvg(figures, PANELS, runtimes, systems),
  );
  return markdown;
}
