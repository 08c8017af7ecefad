/**
 * Markdown tables of the results: one per workload (figures, ratio to weft, the targets with
 * PASS/MISS, and which systems did not run and why), and the headline table of all targets.
 *
 * @module
 */

import type { WorkloadName } from "../workloads/names.ts";
import type { Figures } from "./figures.ts";
import type { TargetResult } from "./targets.ts";
import { num, WORKLOAD_INFO } from "./workload_info.ts";

/** A system that did not run somewhere, or a workload that failed. */
export interface Absence {
  runtime: string;
  system: string;
  /** Undefined when a whole process failed (every workload it ran). */
  workload?: string;
  reason: string;
}

/** A Markdown table; columns after the first `left` are right-aligned. */
export function mdTable(headers: string[], rows: string[][], left = 1): string {
  const align = headers.map((_, i) => (i < left ? ":--" : "--:"));
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(headers), `|${align.join("|")}|`, ...rows.map(line)].join("\n");
}

/** How many times better weft is than `value` (>1: weft wins), for a metric's direction. */
function advantage(
  weft: number,
  value: number,
  better: "lower" | "higher",
): string {
  const ratio = better === "lower" ? value / weft : weft / value;
  return Number.isFinite(ratio) ? `${num(ratio)}×` : "–";
}

/** The section of one workload. */
export function workloadSection(
  figures: Figures,
  workload: WorkloadName,
  runtimes: readonly string[],
  systems: readonly string[],
  targets: readonly TargetResult[],
  absences: readonly Absence[],
): string {
  const info = WORKLOAD_INFO[workload];
  const all = figures.of(workload);
  const variants = [...new Set(all.map((f) => f.variant))];
  const ratioMetric = info.metrics.find((m) => m.key === info.ratioOn)!;
  const headers = ["runtime", "variant", "system"];
  for (const m of info.metrics) headers.push(`${m.label} (median)`, "min");
  headers.push(`weft's advantage on ${ratioMetric.label}`);
  const rows: string[][] = [];
  for (const runtime of runtimes) {
    let firstOfRuntime = true;
    for (const variant of variants) {
      let firstOfVariant = true;
      for (const system of systems) {
        const cells = info.metrics.map((m) =>
          figures.get(runtime, system, workload, variant, m.key)
        );
        if (cells.every((c) => c === undefined)) continue;
        const row = [
          firstOfRuntime ? runtime : "",
          firstOfVariant ? variant : "",
          system,
        ];
        info.metrics.forEach((m, i) =>
          row.push(
            m.format(cells[i]?.median ?? NaN),
            m.format(cells[i]?.min ?? NaN),
          )
        );
        const weft = figures.median(
          runtime,
          "weft",
          workload,
          variant,
          info.ratioOn,
        );
        const own = figures.median(
          runtime,
          system,
          workload,
          variant,
          info.ratioOn,
        );
        row.push(
          system === "weft" ? "1×" : advantage(weft, own, ratioMetric.better),
        );
        rows.push(row);
        firstOfRuntime = false;
        firstOfVariant = false;
      }
    }
  }
  const parts = [`## ${info.title}`, "", info.note, ""];
  parts.push(rows.length > 0 ? mdTable(headers, rows, 3) : "_No figures._");
  const own = targets.filter((t) => t.workload === workload);
  if (own.length > 0) {
    parts.push("", "Targets (weft, against the baselines in the same run):", "");
    parts.push(
      mdTable(
        ["runtime", "target", "measured", "verdict"],
        own.map((t) => [t.runtime, t.target, t.measured, `**${t.verdict}**`]),
        3,
      ),
    );
  }
  const missing = absences.filter((a) => a.workload === undefined || a.workload === workload);
  if (missing.length > 0) {
    parts.push("", "Not run here:", "");
    for (const a of missing) {
      parts.push(`- ${a.system} on ${a.runtime}: ${a.reason}`);
    }
  }
  return parts.join("\n");
}

/** The headline table: every target on every runtime, with PASS/MISS. */
export function headlineTable(targets: readonly TargetResult[]): string {
  const rows = targets.map((
    t,
  ) => [
    t.runtime,
    WORKLOAD_INFO[t.workload as WorkloadName].title,
    t.target,
    t.measured,
    `**${t.verdict}**`,
  ]);
  return mdTable(
    ["runtime", "workload", "target", "measured", "verdict"],
    rows,
    3,
  );
}
