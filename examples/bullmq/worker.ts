/**
 * One BullMQ worker process, standing in for one machine:
 * `worker.ts <redis url> <queue> <weft|sandboxed> <threads> <name>`; `name` is what BullMQ records
 * as `job.processedBy`.
 *
 * - `weft`: BullMQ's worker fetches jobs, and its processor hands each one to this process's weft
 *   pool: `(job, token, signal) => pool.call.tourTask(job.data, { signal })`.
 * - `sandboxed`: BullMQ runs `sandboxed.ts` in worker threads of its own, one per job in flight.
 *
 * Prints `ready` once it takes jobs, and `done` once it has stopped after a `SIGTERM`.
 *
 * @module
 */

import process from "node:process";
import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { createPool, isMain } from "../../mod.ts";
import { type TourJob, tourTask } from "./jobs.ts";

if (isMain) {
  const [url, queue, mode, threadsArg, name] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  // A short lock, so that the jobs of a killed process are found stalled and retried within about
  // a second (BullMQ's defaults wait 30 s).
  const timing = { name, lockDuration: 1000, stalledInterval: 500 };
  let worker: Worker<TourJob, number>;
  let stopPool = () => Promise.resolve();
  if (mode === "weft") {
    const pool = createPool({ threads })({ tourTask });
    stopPool = () => pool.close();
    // Twice the threads in flight, so that a thread always has the next job while BullMQ fetches.
    worker = new Worker<TourJob, number>(
      queue,
      (job: Job<TourJob>, _token?: string, signal?: AbortSignal) =>
        pool.call.tourTask(job.data, { signal }),
      { connection, concurrency: threads * 2, ...timing },
    );
  } else if (mode === "sandboxed") {
    const file = new URL("./sandboxed.ts", import.meta.url);
    worker = new Worker<TourJob, number>(queue, file, {
      connection,
      concurrency: threads,
      useWorkerThreads: true,
      ...timing,
    });
  } else {
    throw new TypeError(`Cannot start worker: mode must be weft or sandboxed, received ${mode}`);
  }
  worker.on("error", (err) => console.error(`worker ${process.pid}: ${err.message}`));
  await worker.waitUntilReady();
  console.log("ready");
  process.on("SIGTERM", async () => {
    await worker.close();
    await stopPool();
    connection.disconnect();
    console.log("done");
    process.exit(0);
  });
}
