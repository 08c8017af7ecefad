/**
 * Workload 3, payload sweep: `Uint8Array` and string echo from 8 B to 1 MiB (×4 steps, then
 * 1 MiB), 64 calls in flight, after a warm-up of the echo path (400 ms once per process, then 50
 * ms per size); GB/s one way (bytes of the argument times calls, over time). Each
 * run also measures this thread's `Uint8Array.prototype.set` rate on 1 MiB copies, the ceiling
 * a one-copy transport could reach.
 *
 * A run cannot stop calls already in flight, so a size costs at least 64 round trips however
 * short the budget: where one size takes longer than `SLOW_POINT_MS`, the larger sizes of that
 * kind are left out and a note says so (Deno's `node:worker_threads`, under piscina and
 * workerpool, takes 75–240 ms per 1 MiB message). A full run's measuring window holds at least
 * three rounds of the calls in flight: at 128 KiB and up a 90 ms window held about one round, so
 * one garbage collection more or less swung a size 2-3x between runs.
 *
 * @module
 */

import { runLanes } from "../lib/lanes.ts";
import type { Sample, Workload } from "./types.ts";

const MIB = 1024 * 1024;
/** Payload sizes in bytes: 8, 32, ..., 512 KiB, 1 MiB. */
export const SIZES: readonly number[] = [
  ...Array.from({ length: 9 }, (_, i) => 8 * 4 ** i),
  MIB,
];
const IN_FLIGHT = 64;
const SLOW_POINT_MS = { quick: 800, full: 3000 };

/** A size as `8 B`, `2 KiB`, `1 MiB`. */
export function sizeLabel(bytes: number): string {
  if (bytes >= MIB) return `${bytes / MIB} MiB`;
  if (bytes >= 1024) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** GB/s of `Uint8Array.prototype.set` copying 1 MiB, over about `ms` milliseconds. */
export function setRate(ms: number): number {
  const source = new Uint8Array(MIB).fill(7);
  const target = new Uint8Array(MIB);
  for (let i = 0; i < 20; i++) target.set(source);
  let copies = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) target.set(source);
    copies += 16;
    now = performance.now();
  }
  return (copies * MIB) / ((now - start) / 1000) / 1e9;
}

function lengthOf(value: unknown): number {
  return typeof value === "string" || value instanceof Uint8Array ? value.length : -1;
}

/** Runs workload 3. */
export const payload: Workload = async ({ start, quick, progress, note }) => {
  const slowMs = quick ? SLOW_POINT_MS.quick : SLOW_POINT_MS.full;
  const measureMs = quick ? 10 : 90;
  const warmMs = quick ? 10 : 50;
  const startWarmMs = quick ? 50 : 400;
  const client = await start(1);
  const samples: Sample[] = [];
  try {
    const setGbps = setRate(quick ? 20 : 100);
    // The echo path's JIT warm-up, once per process: a new weft pool on Node 24 echoed 8 bytes
    // at 120-250k calls/s in its first 150 ms and at 650k-1.1M from 200 ms on.
    const tiny = new Uint8Array(8);
    await runLanes(
      IN_FLIGHT,
      { deadline: performance.now() + startWarmMs },
      () => client.call("echo", tiny),
    );
    for (const kind of ["u8", "string"] as const) {
      for (const [i, size] of SIZES.entries()) {
        const label = `${kind} ${sizeLabel(size)}`;
        const pointStart = performance.now();
        progress(label);
        const value = kind === "u8" ? new Uint8Array(size).fill(1) : "x".repeat(size);
        const echo = async () => {
          const back = await client.call("echo", value);
          if (lengthOf(back) !== size) {
            throw new Error(
              `Cannot echo ${label}: wrong result, received ${lengthOf(back)}`,
            );
          }
        };
        // Each size's warm-up by time (50 ms in a full run, 10 ms or 16 calls with --quick), not a
        // fixed 128 calls, which at the small sizes was a few milliseconds. Every lane makes at
        // least one call, however slow the system.
        await runLanes(IN_FLIGHT, {
          calls: quick ? IN_FLIGHT / 4 : Infinity,
          deadline: performance.now() + warmMs,
        }, echo);
        const run = await runLanes(IN_FLIGHT, {
          deadline: performance.now() + measureMs,
          minCalls: quick ? 0 : 3 * IN_FLIGHT,
        }, echo);
        const gbps = (run.calls * size) / (run.ms / 1000) / 1e9;
        samples.push({
          workload: "payload",
          variant: label,
          metrics: { gbps, set_gbps: setGbps, of_set: gbps / setGbps },
        });
        const pointMs = performance.now() - pointStart;
        if (pointMs > slowMs && i + 1 < SIZES.length) {
          note(
            `${kind} echo above ${label} left out: ${label} took over ${slowMs / 1000} s`,
          );
          break;
        }
      }
    }
  } finally {
    await client.close();
  }
  return samples;
};
