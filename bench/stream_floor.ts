/**
 * Streams: the floor under any library's stream on this runtime. A raw worker writes items into a
 * shared ring (`fixtures/stream_floor_worker.ts`), the host reads them with `for await` from an
 * async iterator: the two copies of a chunk (the worker's `set` into the ring, the host's `slice`
 * out of it), shared counters (the host's read count goes back every 64 items), and a wake-up
 * only for a side that has said it waits (the worker asks to be rung once half the ring is free).
 * Nothing else: no encoding, no calls, no cancellation. Compare with `stream_rates.ts`, which
 * streams the same kinds through weft and through a worker's `postMessage`:
 *
 * - numbers: 200,000 small items through a ring of 1,024 (weft's default window in items), M/s;
 * - 64 KiB chunks: 4,000 through rings of 16 and 64 slots (1 MiB, and weft's default window of
 *   4 MiB), GB/s.
 *
 * Medians of `ROUNDS` rounds, range in brackets. Run alone, on any runtime:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/stream_floor.ts
 * npx -y node@24 bench/stream_floor.ts
 * npx -y bun@1.4.5 bench/stream_floor.ts
 * ```
 *
 * @module
 */

import { median } from "./lib/stats.ts";
import { runtimeLabel } from "./lib/runtime_info.ts";
import { spawnThread, type Thread } from "./lib/thread.ts";
import {
  CONTROL_BYTES,
  type FloorRequest,
  HOST_BELL_I32,
  HOST_WAITING_I32,
  READ_I32,
  WORKER_BELL_I32,
  WORKER_WANTS_I32,
  WRITTEN_I32,
} from "./fixtures/stream_floor_ring.ts";

const ROUNDS = 7;
const CHUNK_BYTES = 64 * 1024;
const KINDS = [
  { label: "numbers, ring of 1024", slots: 1024, bytes: 0, n: 200_000 },
  {
    label: "64 KiB chunks, 16 slots (1 MiB)",
    slots: 16,
    bytes: CHUNK_BYTES,
    n: 4000,
  },
  {
    label: "64 KiB chunks, 64 slots (4 MiB)",
    slots: 64,
    bytes: CHUNK_BYTES,
    n: 4000,
  },
];

/** Items read between two publishes of the read count (and whenever the worker waits). */
const PUBLISH_READS = 64;

/**
 * The items of one stream, read out of the ring as they are published: an async iterator whose
 * `next()` settles at once while items wait (as weft's stream does), and waits with
 * `Atomics.waitAsync` when the ring is empty.
 */
function items(request: FloorRequest): AsyncIterableIterator<unknown> {
  const { control, data, slots, bytes } = request;
  const i32 = new Int32Array(control);
  const numbers = new Int32Array(data);
  const u8 = new Uint8Array(data);
  let read = Atomics.load(i32, READ_I32);
  let written = read;
  const end = read + request.n;
  /** Publishes the read count, and rings the worker if it waits for this much. */
  const publish = (): void => {
    // Stored before the worker's request is loaded; the worker stores its request before it
    // loads this count: one of the two sees the other (no lost wake-up).
    Atomics.store(i32, READ_I32, read);
    const wants = Atomics.load(i32, WORKER_WANTS_I32);
    if (wants !== 0 && read >= wants - 1) {
      Atomics.store(i32, WORKER_WANTS_I32, 0);
      Atomics.add(i32, WORKER_BELL_I32, 1);
      Atomics.notify(i32, WORKER_BELL_I32);
    }
  };
  const take = (): IteratorResult<unknown> => {
    const at = read % slots;
    const value = bytes === 0 ? numbers[at] : u8.slice(at * bytes, (at + 1) * bytes);
    read++;
    // The read count goes back in groups, and whenever the worker waits or the host runs dry.
    if (
      read % PUBLISH_READS === 0 || read === end ||
      Atomics.load(i32, WORKER_WANTS_I32) !== 0
    ) {
      publish();
    }
    return { value, done: false };
  };
  const wait = async (): Promise<IteratorResult<unknown>> => {
    for (;;) {
      // Empty: hand back every slot, say so, then look again before waiting (the worker rings
      // only a waiting host).
      publish();
      Atomics.store(i32, HOST_WAITING_I32, 1);
      const bell = Atomics.load(i32, HOST_BELL_I32);
      written = Atomics.load(i32, WRITTEN_I32);
      if (written === read) {
        const w = Atomics.waitAsync(i32, HOST_BELL_I32, bell);
        if (w.async) await w.value;
        written = Atomics.load(i32, WRITTEN_I32);
      }
      Atomics.store(i32, HOST_WAITING_I32, 0);
      if (written !== read) return take();
    }
  };
  return {
    next(): Promise<IteratorResult<unknown>> {
      if (read === end) {
        return Promise.resolve({ value: undefined, done: true });
      }
      if (written === read) written = Atomics.load(i32, WRITTEN_I32);
      return written !== read ? Promise.resolve(take()) : wait();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Streams one kind once. @returns Items per second. */
async function streamOnce(
  thread: Thread,
  control: SharedArrayBuffer,
  kind: (typeof KINDS)[number],
): Promise<number> {
  const request: FloorRequest = {
    control,
    data: new SharedArrayBuffer(kind.slots * Math.max(4, kind.bytes)),
    slots: kind.slots,
    bytes: kind.bytes,
    n: kind.n,
  };
  const done = new Promise<void>((resolve) => thread.onMessage(() => resolve()));
  thread.post(request);
  const start = performance.now();
  let n = 0;
  for await (const _ of items(request)) n++;
  const ms = performance.now() - start;
  await done;
  if (n !== kind.n) {
    throw new Error(`Cannot measure: expected ${kind.n} items, received ${n}`);
  }
  return n / (ms / 1000);
}

async function main(): Promise<void> {
  const thread = await spawnThread(
    new URL("./fixtures/stream_floor_worker.ts", import.meta.url),
  );
  // One control block for every stream: the counters carry on from stream to stream.
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const rates = KINDS.map(() => [] as number[]);
  // Warm-up: both sides compiled.
  for (const kind of KINDS) await streamOnce(thread, control, kind);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < KINDS.length; k++) {
      rates[k].push(await streamOnce(thread, control, KINDS[k]));
    }
  }
  console.log(
    `stream floor on ${runtimeLabel()}: medians of ${ROUNDS} rounds (min-max)`,
  );
  for (let k = 0; k < KINDS.length; k++) {
    const scale = KINDS[k].bytes === 0 ? 1e-6 : KINDS[k].bytes / 1e9;
    const v = rates[k].map((r) => r * scale);
    const unit = KINDS[k].bytes === 0 ? "M items/s" : "GB/s";
    console.log(
      `  ${KINDS[k].label.padEnd(32)} ${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}-${
        Math.max(...v).toFixed(2)
      }) ${unit}`,
    );
  }
  await thread.terminate();
}

await main();
