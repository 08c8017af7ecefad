/**
 * Streams: how fast a generator task's values reach the caller, against the engines' own channels
 * in the same process. The streams workload's measurements (`workloads/streams.ts`) with all its
 * systems in one process, each with one worker:
 *
 * - weft: a generator task read with `for await` (with its default window of 1024 items, 1 MiB);
 * - weft (process): the same task on a process worker (`isolation: "process"`);
 * - MessagePort: a raw worker that posts one message per item (no backpressure at all);
 * - ReadableStream: the same messages read through a web `ReadableStream`.
 *
 * For small items (the numbers 0 .. n-1) it reports items/s, for 64 KiB chunks GB/s; then the
 * peak memory (RSS growth, measured first, before the rate rounds have grown the heap) while a slow
 * reader takes 64 KiB chunks from a fast producer. The ratios compare weft's thread workers with
 * the baselines. Medians of `ROUNDS` rounds. Run alone, on any runtime:
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
import { isMain } from "../mod.ts";
import { median } from "./lib/stats.ts";
import { startPostMessage, startReadableStream } from "./systems/post_message.ts";
import type { Client } from "./systems/types.ts";
import { startWeft, startWeftProcess } from "./systems/weft.ts";
import { CHUNK_BYTES, streamRate, warmStreams } from "./workloads/streams.ts";

const ROUNDS = 5;
/** Items of one measured stream, by kind. */
const SMALL_ITEMS = 200_000;
const CHUNKS = 4000;
/** Chunks the slow reader takes, and how long it sleeps after each tenth. */
const SLOW_CHUNKS = 2000;
const SLOW_MS = 1;

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
  const clients: Record<string, Client> = {
    weft: await startWeft(1),
    "weft (process)": await startWeftProcess(1),
    MessagePort: await startPostMessage(1),
    ReadableStream: await startReadableStream(1),
  };
  const memory: string[] = [];
  // Warm-up: every path compiled, the workers and the pools' threads started.
  for (const client of Object.values(clients)) await warmStreams(client, 0);
  // Memory: a fast producer, a slow reader. The baselines have no backpressure, so everything
  // produced waits in the reader's thread.
  for (const name of ["weft", "MessagePort"]) {
    const peak = await slowReaderPeak(
      clients[name].stream!({ n: SLOW_CHUNKS, bytes: CHUNK_BYTES }),
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
    for (const [name, client] of Object.entries(clients)) {
      (small[name] ??= []).push((await streamRate(client, { n: SMALL_ITEMS, bytes: 0 })).itemsPerS);
      (large[name] ??= []).push(
        (await streamRate(client, { n: CHUNKS, bytes: CHUNK_BYTES })).gbps,
      );
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
  for (const name of Object.keys(clients)) {
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
  await Promise.all(Object.values(clients).map((c) => c.close()));
}

if (isMain) await main();
