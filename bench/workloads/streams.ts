/**
 * Workload 10, streams: how fast a stream's items reach the caller, read with `for await`, one
 * worker. Small items: streams of the numbers 0 .. 49,999, items/s. Large items: streams of 1,000
 * chunks of 64 KiB, GB/s (and chunks/s). Each kind is streamed again and again for at least
 * 800 ms (200 ms with `--quick`) and its rate is all the items over all that time, after a
 * warm-up of at least 500 ms (150 ms) of both kinds in turn. A single stream lasts tens of
 * milliseconds, too short to measure alone on a shared machine.
 *
 * weft and weft-process stream from a generator task (default window: 1024 items, 4 MiB);
 * postMessage from a raw worker that posts one message per item, read from its port;
 * ReadableStream the same worker's messages through a web `ReadableStream`. The baselines have no
 * backpressure. `bench/stream_rates.ts` runs the same measurements with all four in one process.
 *
 * @module
 */

import type { Client, StreamRequest } from "../systems/types.ts";
import type { Sample, Workload } from "./types.ts";

/** Bytes of one large item. */
export const CHUNK_BYTES = 64 * 1024;
/** Items per stream. */
const STREAM_ITEMS = { numbers: 50_000, chunks: 1000 };
/** Milliseconds the warm-up and each kind's measurement last at least. */
const WINDOWS = {
  full: { warmMs: 500, measureMs: 800 },
  quick: { warmMs: 150, measureMs: 200 },
};

/** The stream of `request` from `client`; throws when the system has no streams. */
function streamOf(client: Client, request: StreamRequest): AsyncIterable<unknown> {
  if (client.stream === undefined) {
    throw new TypeError("Cannot stream: the system has no streams, received a stream request");
  }
  return client.stream(request);
}

/**
 * Reads every item of `items` with `for await`.
 * @returns The milliseconds it took.
 * @throws {Error} When the count of items is not `expected`.
 */
export async function drain(items: AsyncIterable<unknown>, expected: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  for await (const _ of items) n++;
  const ms = performance.now() - start;
  if (n !== expected) {
    throw new Error(`Cannot measure: expected ${expected} items, received ${n}`);
  }
  return ms;
}

/**
 * Streams `request` from `client` until `ms` have passed (once at least).
 * @returns Items/s, and GB/s of the chunks (0 for numbers), over all the streams.
 */
export async function streamRate(
  client: Client,
  request: StreamRequest,
  ms = 0,
): Promise<{ itemsPerS: number; gbps: number }> {
  const end = performance.now() + ms;
  let items = 0;
  let elapsed = 0;
  do {
    elapsed += await drain(streamOf(client, request), request.n);
    items += request.n;
  } while (performance.now() < end);
  return { itemsPerS: items / (elapsed / 1000), gbps: (items * request.bytes) / elapsed / 1e6 };
}

/** Streams of both kinds in turn (of `STREAM_ITEMS`) until `ms` have passed (once at least). */
export async function warmStreams(client: Client, ms: number): Promise<void> {
  const end = performance.now() + ms;
  do {
    await streamRate(client, { n: STREAM_ITEMS.numbers, bytes: 0 });
    await streamRate(client, { n: STREAM_ITEMS.chunks, bytes: CHUNK_BYTES });
  } while (performance.now() < end);
}

/** Runs workload 10. */
export const streams: Workload = async ({ start, quick, progress }) => {
  const { warmMs, measureMs } = quick ? WINDOWS.quick : WINDOWS.full;
  const { numbers, chunks } = STREAM_ITEMS;
  const client = await start(1);
  try {
    progress("warm-up");
    await warmStreams(client, warmMs);
    progress(`streams of ${numbers} numbers`);
    const small = await streamRate(client, { n: numbers, bytes: 0 }, measureMs);
    progress(`streams of ${chunks} × 64 KiB`);
    const large = await streamRate(client, { n: chunks, bytes: CHUNK_BYTES }, measureMs);
    const samples: Sample[] = [
      {
        workload: "streams",
        variant: "numbers",
        metrics: { items_per_s: small.itemsPerS },
      },
      {
        workload: "streams",
        variant: "64 KiB chunks",
        metrics: { items_per_s: large.itemsPerS, gbps: large.gbps },
      },
    ];
    return samples;
  } finally {
    await client.close();
  }
};
