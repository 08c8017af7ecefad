/**
 * The targets weft is held to, checked against the same run's figures. Ratios are taken against
 * the raw postMessage baseline measured in the same run on the same runtime (streams: against the
 * ReadableStream baseline as well).
 *
 * @module
 */

import type { WorkloadName } from "../workloads/names.ts";
import type { Figures } from "./figures.ts";
import { num } from "./workload_info.ts";

/** One target checked on one runtime. */
export interface TargetResult {
  runtime: string;
  workload: WorkloadName;
  target: string;
  measured: string;
  /** PASS, MISS, or NO DATA when a figure is missing. */
  verdict: "PASS" | "MISS" | "NO DATA";
}

/** How many times faster than postMessage a 50-call batch must be, by runtime. */
const BATCH_50_FACTOR: Record<string, number> = {
  node24: 20,
  deno: 48,
  bun: 14,
};
/** How many times postMessage's throughput weft must reach, by runtime. */
const THROUGHPUT_FACTOR: Record<string, number> = {
  node24: 22,
  deno: 33,
  bun: 17,
};
/** How many times faster than postMessage a single call must be. */
const SINGLE_CALL_FACTOR = 15;
const SET_FRACTION = 0.2;
/** The fraction of postMessage's rate that weft must reach on every payload size and value type. */
const PM_SLACK = 0.9;
const STARTUP_FACTOR = 1.5;
const IDLE_PCT = 0.5;
/** The first call after the worker went idle (it has parked) must take less than this. */
const IDLE_WAKE_US = 50;
const LONG_TASK_P99_US = 100;
/** What weft's streams must reach against each stream baseline, by variant. */
const STREAM_TARGETS = [
  { variant: "numbers", metric: "items_per_s", unit: "items/s", factor: 10 },
  { variant: "64 KiB chunks", metric: "gbps", unit: "GB/s", factor: 1 },
];
/** The stream baselines weft is held to. */
const STREAM_BASELINES = ["postMessage", "ReadableStream"];
/** The structured kinds of the per-type suite, held to postMessage each (beside every type). */
const STRUCTURED_KINDS = ["object", "tree", "Map", "Date[]", "Error+cause"];

function verdict(
  value: number,
  pass: (v: number) => boolean,
): TargetResult["verdict"] {
  return Number.isFinite(value) ? (pass(value) ? "PASS" : "MISS") : "NO DATA";
}

/** Checks every target on `runtime`. */
export function checkTargets(
  figures: Figures,
  runtime: string,
): TargetResult[] {
  const weft = (w: string, v: string, m: string) => figures.median(runtime, "weft", w, v, m);
  const pm = (w: string, v: string, m: string) => figures.median(runtime, "postMessage", w, v, m);
  const out: TargetResult[] = [];
  const add = (
    workload: WorkloadName,
    target: string,
    value: number,
    text: string,
    ok: boolean,
  ) =>
    out.push({
      runtime,
      workload,
      target,
      measured: text,
      verdict: verdict(value, () => ok),
    });

  const batch = BATCH_50_FACTOR[runtime] ?? 20;
  for (const op of ["inc", "hello"]) {
    const v = `${op} ×50`;
    const factor = pm("latency", v, "avg_us") / weft("latency", v, "avg_us");
    add(
      "latency",
      `${v}: under 1/${batch} of postMessage's time`,
      factor,
      `1/${num(factor)}`,
      factor >= batch,
    );
  }
  const single = pm("latency", "inc ×1", "avg_us") / weft("latency", "inc ×1", "avg_us");
  add(
    "latency",
    `inc ×1: under 1/${SINGLE_CALL_FACTOR} of postMessage's time`,
    single,
    `1/${num(single)}`,
    single >= SINGLE_CALL_FACTOR,
  );
  const tput = THROUGHPUT_FACTOR[runtime] ?? 22;
  const tf = weft("throughput", "inc, 1024 in flight", "calls_per_s") /
    pm("throughput", "inc, 1024 in flight", "calls_per_s");
  add(
    "throughput",
    `at least ${tput}× postMessage's calls/s`,
    tf,
    `${num(tf)}×`,
    tf >= tput,
  );

  for (const kind of ["u8", "string"]) {
    const f = weft("payload", `${kind} 1 MiB`, "of_set");
    add(
      "payload",
      `${kind} 1 MiB echo at ≥ ${SET_FRACTION * 100}% of the set rate`,
      f,
      `${num(f * 100)}%`,
      f >= SET_FRACTION,
    );
  }
  // weft's worst rate against postMessage's over every variant that both ran (of those `only`
  // accepts).
  const worstRatio = (
    workload: WorkloadName,
    metric: string,
    target: string,
    only: (variant: string) => boolean = () => true,
  ) => {
    let worst = Infinity;
    let worstVariant = "";
    for (const v of new Set(figures.of(workload).map((f) => f.variant))) {
      if (!only(v)) continue;
      const ratio = weft(workload, v, metric) / pm(workload, v, metric);
      if (ratio < worst) [worst, worstVariant] = [ratio, v];
    }
    add(workload, target, worst, `worst ${num(worst)}× (${worstVariant})`, worst >= PM_SLACK);
  };
  const slackPct = Math.round((1 - PM_SLACK) * 100);
  worstRatio("payload", "gbps", `never more than ${slackPct}% slower than postMessage`);

  // The npm package's row too where it runs (Node and Bun users install it; see weft_npm.ts).
  const npm = (w: string, v: string, m: string) => figures.median(runtime, "weft-npm", w, v, m);
  for (const [source, of] of [["", weft], [" (npm package)", npm]] as const) {
    for (const v of ["first in process", "later (median)"]) {
      const ratio = of("startup", v, "startup_ms") / pm("startup", v, "startup_ms");
      if (source !== "" && !Number.isFinite(ratio)) continue;
      add(
        "startup",
        `start-up${source} (${v}) within ${STARTUP_FACTOR}× postMessage`,
        ratio,
        `${num(ratio)}×`,
        ratio <= STARTUP_FACTOR,
      );
    }
  }

  const idleVariant = figures.of("idle").find((f) => f.system === "weft")?.variant ?? "";
  const idle = weft("idle", idleVariant, "cpu_pct");
  add(
    "idle",
    `under ${IDLE_PCT}% of a core per idle worker`,
    idle,
    `${num(idle)}%`,
    idle < IDLE_PCT,
  );
  const wake = weft("idle", idleVariant, "wake_us");
  add(
    "idle",
    `first call after idle under ${IDLE_WAKE_US} µs`,
    wake,
    `${num(wake)} µs`,
    wake < IDLE_WAKE_US,
  );

  const p99 = weft("long_task", "5 ms busy task", "p99_us");
  add(
    "long_task",
    `result of a 5 ms task: p99 under ${LONG_TASK_P99_US} µs after it returns`,
    p99,
    `${num(p99)} µs`,
    p99 < LONG_TASK_P99_US,
  );

  worstRatio(
    "types",
    "calls_per_s",
    `${STRUCTURED_KINDS.join(", ")} within ${slackPct}% of postMessage or faster`,
    (v) => STRUCTURED_KINDS.some((kind) => v.startsWith(`${kind} `)),
  );
  worstRatio("types", "calls_per_s", `every type within ${slackPct}% of postMessage or faster`);

  for (const { variant, metric, unit, factor } of STREAM_TARGETS) {
    const ratios = STREAM_BASELINES.map((system) =>
      weft("streams", variant, metric) / figures.median(runtime, system, "streams", variant, metric)
    );
    const worst = Math.min(...ratios);
    const times = factor === 1 ? "" : `${factor}× `;
    add(
      "streams",
      `${variant}: at least ${times}${STREAM_BASELINES.join("'s and ")}'s ${unit}`,
      worst,
      ratios.map((r) => `${num(r)}×`).join(" / "),
      worst >= factor,
    );
  }
  return out;
}
