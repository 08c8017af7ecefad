/**
 * Microbenchmarks of each step of a small call's path, on weft's own classes and shared memory,
 * without a second thread: encode (write into a slot), publish (the count store and the bell),
 * decode (read a slot back), drain (the host's loop over ready answers, decode included), and
 * resolve (settling the calls' promises and the awaiting code's turn). A regression in one step
 * shows here by itself, where the end-to-end batch figures mix them all. Run with:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/call_path.ts
 * npx -y node@24 bench/call_path.ts
 * npx -y bun@1.4.5 bench/call_path.ts
 * ```
 *
 * Figures are per message (`encode`, `decode`) or per batch of {@linkcode BATCH} (the rest: divide
 * by 32 for a call's share). The values are those of the latency workload: `1` (`x + 1`) and
 * `"hello"` / `"hello world"`, plus a 21-field object for the structured path.
 *
 * @module
 */

import { bench, group, run } from "mitata";
import process from "node:process";
import { REQ_READ_I32, REQ_WRITE_I32, RESP_WRITE_I32, WorkerState } from "../src/memory/layout.ts";
import { allocateLink } from "../src/memory/region.ts";
import { HostLink, WorkerLink } from "../src/transport/link.ts";
import { Lane, type LaneEvents } from "../src/host/lane.ts";
import { CallTable, newCall, settleCall } from "../src/host/call_table.ts";
import type { WorkerHandle } from "../src/runtime/adapter.ts";
import { WORKER_STATE_I32 } from "../src/memory/layout.ts";

/** Messages per batch in the per-batch steps: the seeds' batch sizes sit around it. */
export const BATCH = 32;

const OBJECT = Object.fromEntries(
  Array.from({ length: 21 }, (_, i) => [`field${i}`, i % 3 === 0 ? `v${i}` : i]),
);
const VALUES: [string, unknown][] = [
  ["int 1", 1],
  ["string hello", "hello"],
  ["string hello world", "hello world"],
  ["object 21 fields", OBJECT],
];

/** A link whose two ends live on this thread. */
function pair(): { host: HostLink; worker: WorkerLink; i32: Int32Array } {
  const buffers = allocateLink();
  return {
    host: new HostLink(buffers),
    worker: new WorkerLink(buffers),
    i32: new Int32Array(buffers.region),
  };
}

group("encode (one message, host -> slot)", () => {
  for (const [name, value] of VALUES) {
    const { host, i32 } = pair();
    const out = host.requests;
    let id = 0;
    bench(name, () => {
      // Stands in for the consumer every 1,000 messages: frees the slots.
      if (out.unread >= 1000) Atomics.store(i32, REQ_READ_I32, out.written);
      out.put(id++ & 1023, 0, value, "arg");
    });
  }
});

group("decode (one message, slot -> value)", () => {
  for (const [name, value] of VALUES) {
    const { host, worker, i32 } = pair();
    // Fill every slot once; the consumer then reads them round and round, with the write count
    // moved forward by hand (the slots' contents stay valid).
    for (let i = 0; i < 1024; i++) host.requests.put(i, 0, value, "arg");
    host.requests.publish();
    const inbox = worker.requests;
    bench(name, () => {
      if (inbox.available() === 0) {
        inbox.consume();
        Atomics.store(i32, REQ_WRITE_I32, (inbox.consumed + 1024) | 0);
      }
      inbox.peek();
      return inbox.take();
    });
  }
});

group(`publish (per batch of ${BATCH})`, () => {
  for (const parked of [false, true]) {
    const { host, i32 } = pair();
    const out = host.requests;
    Atomics.store(i32, WORKER_STATE_I32, parked ? WorkerState.PARKED : WorkerState.RUNNING);
    bench(parked ? "store + ring + notify (worker parked, no waiter)" : "store + ring", () => {
      if (out.unread >= 1000) Atomics.store(i32, REQ_READ_I32, out.written);
      out.put(0, 0, 1, "arg");
      host.publish();
    });
  }
});

/** A worker handle that is only counted on: the drain touches `ref`/`unref`. */
const handle = {
  ref() {},
  unref() {},
  postData() {},
  receiveData: () => undefined,
} as unknown as WorkerHandle;

group(`drain (per batch of ${BATCH} answers, decode included)`, () => {
  for (const [name, value] of VALUES.slice(0, 3)) {
    const { host, worker, i32 } = pair();
    for (let i = 0; i < 1024; i++) worker.responses.put(i, 0, value, "result");
    worker.responses.publish();
    let sum = 0;
    const events: LaneEvents = {
      answer(_lane, id) {
        sum += id;
      },
      numbers() {},
      space() {},
      release() {},
      idle() {},
    };
    const lane = new Lane(0, host, handle, events, 0);
    let taken = 0;
    bench(name, () => {
      taken = (taken + BATCH) | 0;
      // Publish: BATCH more answers (slots filled above, re-read round and round).
      Atomics.store(i32, RESP_WRITE_I32, taken);
      lane.drainNow();
      return sum;
    });
  }
});

group(`call record and resolve (per batch of ${BATCH})`, () => {
  const table = new CallTable();
  const promises: Promise<unknown>[] = new Array(BATCH);
  const ids: number[] = new Array(BATCH);
  bench("promise + record + table add, then take", () => {
    for (let i = 0; i < BATCH; i++) {
      const call = newCall(0, 0, undefined);
      promises[i] = call.promise;
      ids[i] = table.add(call);
    }
    for (let i = 0; i < BATCH; i++) table.take(ids[i]);
  });
  bench("promise + record + settle + await all", async () => {
    for (let i = 0; i < BATCH; i++) {
      const call = newCall(0, 0, undefined);
      promises[i] = call.promise;
      ids[i] = table.add(call);
    }
    for (let i = 0; i < BATCH; i++) settleCall(table.take(ids[i])!, true, i);
    await Promise.all(promises);
  });
});

/** Prints one line per benchmark: the median (p50) and the mean, in ns. */
function report(benchmarks: Trial[], layout: { name: string | null }[]): void {
  for (const trial of benchmarks) {
    const stats = trial.runs[0].stats;
    if (stats === undefined) continue;
    const where = layout[trial.group]?.name ?? "";
    console.log(
      `${where.padEnd(48)} ${trial.alias.padEnd(48)} p50 ${ns(stats.p50)}  avg ${ns(stats.avg)}`,
    );
  }
}

function ns(value: number): string {
  return `${value.toFixed(value < 100 ? 1 : 0)} ns`.padStart(10);
}

interface Trial {
  alias: string;
  group: number;
  runs: { stats?: { p50: number; avg: number } }[];
}

// mitata's types leave out the group layout that `run` returns.
const result = await run({ format: "quiet" }) as unknown as {
  benchmarks: Trial[];
  layout: { name: string | null }[];
};
report(result.benchmarks, result.layout);
process.exit(0);
