/**
 * Plans and runs the benchmark processes. Every workload except idle runs one process at a
 * time, round after round (each round: every runtime, every system), so that machine noise is
 * spread over all systems. Idle-cost processes of a round run side by side afterwards: each
 * measures only its own process's CPU, and idle processes leave the cores free for one another,
 * which cuts the run by several 5-second waits.
 *
 * @module
 */

import { Figures } from "../report/figures.ts";
import type { Absence } from "../report/markdown.ts";
import type { SystemInfo } from "../systems/catalog.ts";
import type { WorkloadName } from "../workloads/names.ts";
import { runChild } from "./child.ts";
import type { BenchOptions } from "./options.ts";
import type { Progress } from "./progress.ts";
import type { ChildMessage } from "./protocol.ts";
import type { RuntimeName } from "./runtime_info.ts";
import type { BenchRuntime } from "./runtimes.ts";

/** What all the processes reported. */
export interface RunResults {
  figures: Figures;
  absences: Absence[];
  /** Runtime name to version label (`node 24.21.0`). */
  versions: Record<string, string>;
}

interface Job {
  round: number;
  runtime: BenchRuntime;
  system: SystemInfo;
  workloads: WorkloadName[];
}

const CHILD = new URL("../run_system.ts", import.meta.url).pathname;

function skipReason(
  system: SystemInfo,
  runtime: BenchRuntime,
): string | undefined {
  const key: RuntimeName = runtime.name === "node24" ? "node" : runtime.name as RuntimeName;
  return system.skip[key];
}

/** Runs every workload of `systems` on `runtimes`. */
export async function runJobs(
  runtimes: readonly BenchRuntime[],
  systems: readonly SystemInfo[],
  workloads: readonly WorkloadName[],
  options: BenchOptions,
  progress: Progress,
): Promise<RunResults> {
  const results: RunResults = {
    figures: new Figures(),
    absences: [],
    versions: {},
  };
  const serial: Job[] = [];
  const idle: Job[][] = [];
  for (let round = 0; round < options.rounds; round++) {
    idle.push([]);
    for (const runtime of runtimes) {
      for (const system of systems) {
        const own = system.workloads.filter((w) => workloads.includes(w));
        const reason = skipReason(system, runtime);
        if (reason !== undefined) {
          // Listed under the workloads it would have run only (not under streams, say).
          const skipped = round === 0 ? own : [];
          for (const workload of skipped) {
            results.absences.push({ runtime: runtime.name, system: system.name, workload, reason });
          }
          continue;
        }
        const job = (ws: WorkloadName[]) => ({
          round,
          runtime,
          system,
          workloads: ws,
        });
        if (own.some((w) => w !== "idle")) {
          serial.push(job(own.filter((w) => w !== "idle")));
        }
        if (own.includes("idle")) idle[round].push(job(["idle"]));
      }
    }
  }
  const total = serial.length + idle.length;
  let done = 0;
  for (const job of serial) {
    await runJob(job, `${++done}/${total}`, options, progress, results);
  }
  for (const [round, jobs] of idle.entries()) {
    if (jobs.length === 0) continue;
    const head = `${++done}/${total} · round ${round + 1}/${options.rounds} · idle cost`;
    progress.show(`${head}: ${jobs.length} processes side by side`);
    await Promise.all(
      jobs.map((job) => runJob(job, head, options, undefined, results)),
    );
  }
  return results;
}

async function runJob(
  job: Job,
  count: string,
  options: BenchOptions,
  progress: Progress | undefined,
  results: RunResults,
): Promise<void> {
  const { round, runtime, system } = job;
  const head = `${count} · round ${round + 1}/${options.rounds} · ${runtime.name} · ${system.name}`;
  progress?.show(head);
  const failed = (workload: string | undefined, reason: string) => {
    const same = (a: Absence) =>
      a.runtime === runtime.name && a.system === system.name &&
      a.workload === workload &&
      a.reason === reason;
    if (!results.absences.some(same)) {
      results.absences.push({
        runtime: runtime.name,
        system: system.name,
        workload,
        reason,
      });
    }
  };
  const onMessage = (message: ChildMessage) => {
    if (message.kind === "hello") {
      results.versions[runtime.name] = message.runtime;
    } else if (message.kind === "progress") {
      progress?.show(
        `${head} · ${message.workload}: ${message.text}`,
        `${head} · ${message.workload}`,
      );
    } else if (message.kind === "sample") {
      results.figures.add(runtime.name, system.name, message.sample);
    } else if (message.kind === "note") {
      failed(message.workload, message.message);
    } else failed(message.workload, `failed: ${message.message}`);
  };
  const args = [
    `--system=${system.name}`,
    `--workloads=${job.workloads.join(",")}`,
    `--reps=${options.reps}`,
    `--threads=${options.threads}`,
    ...(options.quick ? ["--quick"] : []),
  ];
  const timeoutMs = options.quick ? 120_000 : 240_000;
  const outcome = await runChild(
    runtime.command(CHILD, args),
    timeoutMs,
    onMessage,
  );
  if (outcome.timedOut) {
    failed(undefined, `killed after ${timeoutMs / 1000} s (hung)`);
  } else if (outcome.code !== 0) {
    failed(undefined, `exited ${outcome.code}: ${outcome.tail.join(" / ")}`);
  }
}
