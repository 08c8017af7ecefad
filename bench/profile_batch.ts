/**
 * A steady load of small-call batches for a CPU profiler: one worker, batches of `--size` calls
 * (default 50) of `x + 1` or `"hello"` awaited together, for `--seconds` (default 5). Run with:
 *
 * ```sh
 * npx -y node@24 --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile_batch.ts --op inc
 * npx -y deno@2.9.6 run -A --v8-flags=--prof bench/profile_batch.ts --op hello
 * ```
 *
 * Node writes one profile per thread (host and worker); `bench/README.md` has the breakdown.
 *
 * @module
 */

import process from "node:process";
import { startWeft } from "./systems/weft.ts";
import type { Op } from "./systems/types.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const op = flag("op", "inc") as Op;
const size = Number(flag("size", "50"));
const seconds = Number(flag("seconds", "5"));
const arg = op === "inc" ? 1 : "hello";
const weft = await startWeft(1);
const calls: Promise<unknown>[] = new Array(size);
let batches = 0;
const start = performance.now();
const end = start + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < size; i++) calls[i] = weft.call(op, arg);
  await Promise.all(calls);
  batches++;
}
const us = ((performance.now() - start) * 1000) / batches;
console.log(`${op} ×${size}: ${batches} batches, ${us.toFixed(2)} µs per batch`);
await weft.close();
process.exit(0);
