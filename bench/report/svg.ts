/**
 * The headline chart as a hand-written SVG: one panel per headline figure, horizontal bars per
 * system grouped by runtime, on a log scale (the systems differ by orders of magnitude).
 *
 * @module
 */

import type { Figures } from "./figures.ts";
import { num } from "./workload_info.ts";

/** One panel of the chart. */
export interface Panel {
  title: string;
  workload: string;
  variant: string;
  metric: string;
  unit: string;
}

const WIDTH = 860;
const LABEL_X = 110;
const BAR_X = 200;
const BAR_MAX = 560;
const BAR_H = 13;
const BAR_GAP = 3;
const COLORS: Record<string, string> = {
  weft: "#d9480f",
  postMessage: "#495057",
  piscina: "#1c7ed6",
  tinypool: "#0ca678",
  workerpool: "#7048e8",
  websocket: "#f59f00",
  http: "#adb5bd",
};

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  );
}

/** Draws `panels` for `runtimes` and `systems` and returns the SVG document. */
export function headlineSvg(
  figures: Figures,
  panels: readonly Panel[],
  runtimes: readonly string[],
  systems: readonly string[],
): string {
  const out: string[] = [];
  let y = 34;
  out.push(
    `<text x="16" y="22" font-size="16" font-weight="bold">weft benchmarks: headline figures (medians, log scale)</text>`,
  );
  for (const panel of panels) {
    const value = (runtime: string, system: string) =>
      figures.median(
        runtime,
        system,
        panel.workload,
        panel.variant,
        panel.metric,
      );
    const values = runtimes.flatMap((r) => systems.map((s) => value(r, s)))
      .filter((v) => v > 0);
    if (values.length === 0) continue;
    const lo = Math.log10(Math.min(...values)) - 0.3;
    const hi = Math.log10(Math.max(...values));
    const length = (v: number) =>
      4 + ((Math.log10(v) - lo) / Math.max(hi - lo, 1e-9)) * (BAR_MAX - 4);
    y += 16;
    out.push(
      `<text x="16" y="${y}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`,
    );
    y += 8;
    for (const runtime of runtimes) {
      const present = systems.filter((s) => value(runtime, s) > 0);
      if (present.length === 0) continue;
      const top = y;
      for (const system of present) {
        const v = value(runtime, system);
        const w = length(v);
        const color = COLORS[system] ?? "#868e96";
        out.push(
          `<text x="${BAR_X - 6}" y="${y + BAR_H - 3}" font-size="11" text-anchor="end">${
            escape(system)
          }</text>`,
        );
        out.push(
          `<rect x="${BAR_X}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${color}"/>`,
        );
        out.push(
          `<text x="${(BAR_X + w + 4).toFixed(1)}" y="${y + BAR_H - 3}" font-size="11">${num(v)} ${
            escape(panel.unit)
          }</text>`,
        );
        y += BAR_H + BAR_GAP;
      }
      out.push(
        `<text x="16" y="${(top + y) / 2 + 4}" font-size="12" font-weight="bold">${
          escape(runtime)
        }</text>`,
      );
      out.push(
        `<line x1="${LABEL_X}" y1="${y + 2}" x2="${WIDTH - 16}" y2="${y + 2}" stroke="#dee2e6"/>`,
      );
      y += 8;
    }
  }
  y += 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...out,
    `</svg>`,
    "",
  ].join("\n");
}
