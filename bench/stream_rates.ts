/**
 * Streams: how fast a generator task's values reach the caller, against the engines' own channels
 * in the same process. Three producers, each on one worker thread:
 *
 * - weft: a generator task read with `for await` (with its default window of 256 items, 1 MiB);
 * - weft (process): the same task on a process worker (`isolation: "process"`);
 * - MessagePort: a raw worker that posts one message per item (no backpressure at all);
 * - ReadableStream: the same worker's messages read through a web `ReadableStream`.
 *
 * For small items (the numbers 0 .. n-1) it reports items/s, for 64 KiB chunks GB/s; then the
 * peak memory (RSS growth, measured first, before the rate rounds have grown the heap) while a slow
 * reader takes 64 KiB chunks from a fast producer. The ratios compare weft's thread workers with
 * the baselines. Medians of
 * `ROUNDS` rounds. Run alone, on any runtime:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/stream_rates.ts
 * npx -y node@24 bench/stream_rates.ts
 * npx -y bun@1.4.5 bench/stream_rates.ts
 * ```
 *
 * @module
 */

import process from "node:process";
import { createPool, isMain } from "../mod.ts";
import { chunks, numbers } from "./fixtures/stream_tasks.ts";
import { spawnThread, type Thread } from "./lib/thread.ts";

const ROUNDS = 5;
const SMALL_ITEMS = 200_000;
const CHUNK_BYTES = 64 * 1024;
const CHUNKS = 4000;
/** Chunks the slow reader takes, and how long it sleeps after each tenth. */
const SLOW_CHUNKS = 2000;
const SLOW_MS = 1;

type Producer = (n: number, bytes: number) => AsyncIterable<unknown>;

/** Yields the messages of one `{ n, bytes }` request to the baseline worker, as they come. */
function fromPort(
  thread: Thread,
  n: number,
  bytes: number,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const queue: unknown[] = [];
      let head = 0;
      let wake: (() => void) | undefined;
      thread.onMessage((message) => {
        queue.push(message);
        wake?.();
      });
      thread.post({ n, bytes });
      return {
        async next(): Promise<IteratorResult<unknown>> {
          while (head === queue.length) {
            await new Promise<void>((r) => (wake = r));
          }
          const value = queue[head];
          queue[head++] = undefined;
          if (head > 4096 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          return value === "end" ? { value, done: true } : { value, done: false };
        },
      };
    },
  };
}

/** The baseline worker's messages through a web `ReadableStream`. */
async function* fromStream(
  thread: Thread,
  n: number,
  bytes: number,
): AsyncIterable<unknown> {
  const stream = new ReadableStream<unknown>({
    start(controller) {
      thread.onMessage((message) => {
        if (message === "end") controller.close();
        else controller.enqueue(message);
      });
      thread.post({ n, bytes });
    },
  });
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return;
    yield r.value;
  }
}

async function drain(
  items: AsyncIterable<unknown>,
  expected: number,
): Promise<number> {
  const start = performance.now();
  let n = 0;
  for await (const _ of items) n++;
  const ms = performance.now() - start;
  if (n !== expected) {
    throw new Error(
      `Cannot measure: expected ${expected} items, received ${n}`,
    );
  }
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Peak RSS growth in MiB while a slow reader takes `SLOW_CHUNKS` chunks. */
async function slowReaderPeak(items: AsyncIterable<unknown>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  let n = 0;
  for await (const _ of items) {
    if (++n % 10 === 0) {
      peak = Math.max(peak, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, SLOW_MS));
    }
  }
  return (peak - base) / (1024 * 1024);
}

async function main(): Promise<void> {
  const pool = createPool({ threads: 1 })({ numbers, chunks });
  const processes = createPool({ threads: 1, isolation: "process" })({
    numbers,
    chunks,
  });
  const thread = await spawnThread(
    new URL("./fixtures/stream_worker.ts", import.meta.url),
  );
  const producers: Record<string, Producer> = {
    weft: (n, bytes) => bytes === 0 ? pool.call.numbers(n) : pool.call.chunks([n, bytes]),
    "weft (process)": (n, bytes) =>
      bytes === 0 ? processes.call.numbers(n) : processes.call.chunks([n, bytes]),
    MessagePort: (n, bytes) => fromPort(thread, n, bytes),
    ReadableStream: (n, bytes) => fromStream(thread, n, bytes),
  };
  const memory: string[] = [];
  // Warm-up: every path compiled, the worker and the pool's thread started.
  for (const produce of Object.values(producers)) {
    await drain(produce(5000, 0), 5000);
    await drain(produce(50, CHUNK_BYTES), 50);
  }
  // Memory: a fast producer, a slow reader. The baselines have no backpressure, so everything
  // produced waits in the reader's thread.
  for (const name of ["weft", "MessagePort"]) {
    const peak = await slowReaderPeak(
      producers[name](SLOW_CHUNKS, CHUNK_BYTES),
    );
    memory.push(
      `  slow reader, ${SLOW_CHUNKS} x 64 KiB from a fast producer: ${name} peak RSS +${
        peak.toFixed(0)
      } MiB`,
    );
  }
  const small: Record<string, number[]> = {};
  const large: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, produce] of Object.entries(producers)) {
      (small[name] ??= []).push(
        SMALL_ITEMS / (await drain(produce(SMALL_ITEMS, 0), SMALL_ITEMS)) *
          1000,
      );
      const ms = await drain(produce(CHUNKS, CHUNK_BYTES), CHUNKS);
      (large[name] ??= []).push(CHUNKS * CHUNK_BYTES / ms / 1e6);
    }
  }
  const runtime = "Deno" in globalThis
    ? "deno"
    : "Bun" in globalThis
    ? "bun"
    : `node ${process.version}`;
  console.log(`streams on ${runtime}: medians of ${ROUNDS} rounds (min-max)`);
  const show = (values: number[], digits: number) =>
    `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${
      Math.max(...values).toFixed(digits)
    })`;
  for (const name of Object.keys(producers)) {
    console.log(
      `  ${name.padEnd(15)} small items: ${show(small[name].map((v) => v / 1e6), 2)} M items/s` +
        `   64 KiB chunks: ${show(large[name], 2)} GB/s`,
    );
  }
  for (const line of memory) console.log(line);
  for (const name of ["MessagePort", "ReadableStream"]) {
    console.log(
      `  weft / ${name}: small ${(median(small.weft) / median(small[name])).toFixed(1)}x, 64 KiB ${
        (median(large.weft) / median(large[name])).toFixed(2)
      }x`,
    );
  }
  await thread.terminate();
  await pool.shutdown();
  await processes.shutdown();
}

if (isMain) await main();
