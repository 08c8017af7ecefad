/**
 * Scaling past one machine: a BullMQ queue on Redis spreads jobs over two worker processes (two
 * machines, in production), and each process runs its share on a weft pool. The example starts a
 * `redis-server` of its own on 127.0.0.1 (or uses `REDIS_URL` / `--redis=redis://host:port`), then:
 *
 * 1. weft: a producer adds the jobs, two processes whose BullMQ processor hands each job to weft
 *    complete them; throughput from the first job added to the last completed;
 * 2. sandboxed: the same jobs through BullMQ's own sandboxed processors (worker threads);
 * 3. a crash: the weft run again, and one process is killed (`SIGKILL`) mid-run; BullMQ finds its
 *    jobs stalled and the other process completes them.
 *
 * Every run checks that each job completed exactly once (BullMQ's `completed` events, counted by
 * job id), that none failed, and that each stored result equals the one computed here.
 *
 * Run: `deno task example bullmq [--runtime node|bun] [--quick]`
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { type Job, Queue, QueueEvents } from "bullmq";
import { exampleOptions } from "../kit/compare.ts";
import { type TourJob, tourLength } from "./jobs.ts";
import { haveRedisServer, namedRedis, startRedis } from "./redis.ts";

interface WorkerProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts `worker.ts` in a process of this runtime and waits for its `ready`. */
function startWorker(
  url: string,
  queue: string,
  mode: string,
  threads: number,
  name: string,
): Promise<WorkerProcess> {
  const script = new URL("./worker.ts", import.meta.url).pathname;
  const args = "Deno" in globalThis ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, [...args, url, queue, mode, String(threads), name], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on(
      "exit",
      (code) => reject(new Error(`Cannot start worker ${name}: it exited with ${code}`)),
    );
    child.stdout!.on("data", (chunk: Uint8Array) => {
      if (String(chunk).includes("ready")) resolve({ name, child, exited });
    });
  });
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill("SIGTERM");
  }
  await worker.exited;
}

interface Run {
  mode: string;
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  /** Jobs completed by each process, by BullMQ's `processedBy`. */
  byProcess: Record<string, number>;
  /** Job ids whose `completed` event came more than once. */
  duplicates: string[];
  failed: number;
  wrong: number;
  /** Jobs the killed process was running, and how many of them the other one then completed. */
  interrupted?: number;
  recovered?: number;
}

async function run(
  url: string,
  mode: "weft" | "sandboxed",
  count: number,
  threads: number,
  kill: boolean,
  deadlineMs: number,
): Promise<Run> {
  const name = `weft-example-${mode}${kill ? "-kill" : ""}-${Date.now()}`;
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue<TourJob, number>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const completions = new Map<string, number>();
  let failed = 0;
  events.on("completed", ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
  events.on("failed", () => failed++);
  await events.waitUntilReady();
  const workers = await Promise.all(
    ["A", "B"].map((n) => startWorker(url, name, mode, threads, n)),
  );
  try {
    const start = performance.now();
    const jobs = Array.from({ length: count }, (_, i) => ({ name: "tour", data: { seed: i + 1 } }));
    await queue.addBulk(jobs);
    let interrupted: string[] | undefined;
    while (completions.size + failed < count) {
      if (performance.now() - start > deadlineMs) {
        throw new Error(
          `Cannot finish the ${mode} run: ${completions.size} of ${count} jobs done in ${deadlineMs} ms`,
        );
      }
      if (kill && interrupted === undefined && completions.size >= count / 4) {
        const runningInB = async () =>
          (await queue.getJobs(["active"])).filter((j) => j.processedBy === "B").map((j) => j.id!);
        if ((await runningInB()).length > 0) {
          workers[1].child.kill("SIGKILL");
          await workers[1].exited;
          // Read again once B is dead: a job it finished between the look and the kill is done,
          // and only those still active were cut off.
          interrupted = await runningInB();
          console.log(`  killed process B while it ran ${interrupted.length} jobs`);
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const done: Job<TourJob, number>[] = await queue.getJobs(["completed"], 0, count);
    const byProcess: Record<string, number> = {};
    let wrong = 0;
    for (const job of done) {
      byProcess[job.processedBy ?? "?"] = (byProcess[job.processedBy ?? "?"] ?? 0) + 1;
      if (job.returnvalue !== tourLength(job.data)) wrong++;
    }
    wrong += count - done.length;
    const duplicates = [...completions].filter(([, n]) => n > 1).map(([id]) => id);
    const recovered = interrupted?.filter((id) =>
      done.find((j) => j.id === id)?.processedBy === "A"
    ).length;
    return {
      mode: kill ? `${mode}, B killed` : mode,
      jobs: count,
      seconds,
      jobsPerSecond: count / seconds,
      byProcess,
      duplicates,
      failed,
      wrong,
      ...(kill ? { interrupted: interrupted?.length ?? 0, recovered: recovered ?? 0 } : {}),
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    await queue.obliterate({ force: true });
    await queue.close();
    await events.close();
  }
}

if (import.meta.main ?? true) {
  const { quick, threads: cores } = exampleOptions();
  if (namedRedis() === undefined && !haveRedisServer()) {
    const why =
      "redis-server is not installed (apt-get install -y redis-server), and no REDIS_URL is set";
    console.log(`skipped: ${why}`);
    console.log(`RESULT ${JSON.stringify({ example: "bullmq", skipped: why })}`);
    process.exit(0);
  }
  // Two processes stand in for two machines: each gets half the cores.
  const threads = Math.max(1, Math.floor(cores / 2));
  const count = quick ? 60 : 1000;
  const deadlineMs = quick ? 30_000 : 300_000;
  const redis = await startRedis();
  console.log(`Redis at ${redis.url}; ${count} jobs a run, 2 processes x ${threads} threads`);
  const runs: Run[] = [];
  try {
    for (const [mode, kill] of [["weft", false], ["sandboxed", false], ["weft", true]] as const) {
      const r = await run(redis.url, mode, count, threads, kill, deadlineMs);
      runs.push(r);
      const spread = Object.entries(r.byProcess).map(([p, n]) => `${p} ${n}`).join(", ");
      console.log(
        `${r.mode.padEnd(16)} ${r.jobsPerSecond.toFixed(0).padStart(6)} jobs/s (${
          r.seconds.toFixed(2)
        } s); ` +
          `completed by ${spread}; duplicates ${r.duplicates.length}, failed ${r.failed}, wrong ${r.wrong}` +
          (r.interrupted === undefined
            ? ""
            : `; ${r.recovered} of ${r.interrupted} interrupted jobs completed by A`),
      );
    }
  } finally {
    await redis.stop();
  }
  const exactlyOnce = runs.every((r) =>
    r.duplicates.length === 0 && r.failed === 0 && r.wrong === 0
  );
  const spread = runs.filter((r) => r.interrupted === undefined).every((r) =>
    (r.byProcess.A ?? 0) > 0 && (r.byProcess.B ?? 0) > 0
  );
  const killed = runs.find((r) => r.interrupted !== undefined)!;
  const retried = killed.interrupted! > 0 && killed.recovered === killed.interrupted;
  const ratio = runs[0].jobsPerSecond / runs[1].jobsPerSecond;
  console.log(
    `weft inside BullMQ: ${ratio.toFixed(2)}x the throughput of BullMQ's sandboxed processors`,
  );
  const equal = exactlyOnce && spread && retried;
  console.log(
    `RESULT ${
      JSON.stringify({ example: "bullmq", equal, exactlyOnce, spread, retried, threads, runs })
    }`,
  );
  if (!equal) process.exitCode = 1;
}
