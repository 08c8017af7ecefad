/**
 * One benchmark process: runs the chosen workloads against one system on the runtime it is
 * started with, and reports samples as protocol lines (`lib/protocol.ts`). `main.ts` starts one
 * of these per runtime, system and round; it also runs alone:
 *
 * ```sh
 * npx -y node@24 bench/run_system.ts --system=weft --workloads=latency,throughput --reps=1
 * ```
 *
 * Options: `--system=NAME`, `--workloads=a,b` (default: all the system takes part in),
 * `--reps=N` (default 1), `--threads=N` (scaling; default 1), `--quick`.
 *
 * @module
 */

import process from "node:process";
import { type ChildMessage, encodeLine } from "./lib/protocol.ts";
import { RUNTIME, runtimeLabel } from "./lib/runtime_info.ts";
import { systemByName } from "./systems/catalog.ts";
import type { WorkloadName } from "./workloads/names.ts";
import { WORKLOAD_RUNNERS } from "./workloads/registry.ts";

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function send(message: ChildMessage): void {
  console.log(encodeLine(message));
}

const system = systemByName(option("system") ?? "");
if (system === undefined) {
  throw new RangeError(
    `Cannot run benchmark: unknown system, received ${option("system")}`,
  );
}
if (system.skip[RUNTIME] !== undefined) {
  throw new RangeError(
    `Cannot run ${system.name} on ${RUNTIME}: ${system.skip[RUNTIME]}`,
  );
}
const wanted = option("workloads")?.split(",") ?? system.workloads;
const workloads = system.workloads.filter((w) => wanted.includes(w));
const reps = Number(option("reps") ?? 1);
const threads = Number(option("threads") ?? 1);
const quick = process.argv.includes("--quick");
const start = await system.load();
/** A workload that reports no progress for this long is taken as hung (calls cannot be cancelled). */
const STALL_MS = quick ? 20_000 : 60_000;
let lastStep = { at: 0, text: "" };

/** Runs `work`, rejecting instead when it reports no progress for `STALL_MS`. */
function watched<T>(work: Promise<T>): Promise<T> {
  lastStep = { at: performance.now(), text: "start" };
  let timer: ReturnType<typeof setInterval> | undefined;
  const stall = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (performance.now() - lastStep.at < STALL_MS) return;
      reject(
        new Error(
          `hung: no progress for ${STALL_MS / 1000} s at "${lastStep.text}"`,
        ),
      );
    }, 500);
  });
  return Promise.race([work, stall]).finally(() => clearInterval(timer));
}

send({ kind: "hello", runtime: runtimeLabel() });
for (let rep = 0; rep < reps; rep++) {
  for (const workload of workloads as WorkloadName[]) {
    try {
      const samples = await watched(WORKLOAD_RUNNERS[workload]({
        start,
        system: system.name,
        quick,
        threads,
        progress: (text) => {
          lastStep = { at: performance.now(), text };
          send({ kind: "progress", rep, workload, text });
        },
        note: (message) => send({ kind: "note", workload, message }),
      }));
      for (const sample of samples) send({ kind: "sample", rep, sample });
    } catch (err) {
      // Reported, not swallowed: main.ts prints it in the tables, and the other workloads go on.
      // After a hang the stuck calls still hold the system, so this process ends instead.
      const message = err instanceof Error ? err.message : String(err);
      send({ kind: "error", workload, message });
      if (message.startsWith("hung:")) process.exit(0);
    }
  }
}
// Some systems leave handles (keep-alive sockets, unref'd ports) that would keep the process up.
process.exit(0);
