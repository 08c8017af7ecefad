/**
 * `callSync` against synckit, the library that does only synchronous calls to a worker: the same
 * `x + 1`, called one at a time, each call blocking the main thread until its result is back;
 * samples alternate between the two in one process. synckit is a benchmark-only dependency
 * (`bench/package.json`). Run alone, on any runtime:
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/call_sync.ts
 * npx -y node@24 bench/call_sync.ts
 * npx -y bun@1.4.5 bench/call_sync.ts
 * ```
 *
 * @module
 */

import { createPool, isMain } from "../mod.ts";
import { importNpm } from "./lib/import_npm.ts";
import { incTask } from "./fixtures/controls_tasks.ts";

const CALLS = 5000;
const SAMPLES = 9;

type SyncInc = (x: number) => number;

function run(inc: SyncInc): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < CALLS; i++) x = inc(x);
  if (x !== CALLS) throw new Error(`Cannot trust the run: expected ${CALLS}, received ${x}`);
  // Microseconds per call.
  return ((performance.now() - start) * 1000) / CALLS;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function shown(xs: number[]): string {
  return `${median(xs).toFixed(2)} µs (${Math.min(...xs).toFixed(2)}-${
    Math.max(...xs).toFixed(2)
  })`;
}

async function main(): Promise<void> {
  // synckit from bench/node_modules, as the other peers are loaded.
  const { createSyncFn } = await importNpm<{ createSyncFn(path: string): SyncInc }>("synckit");
  const synckit = createSyncFn(new URL("./fixtures/synckit_worker.ts", import.meta.url).pathname);
  const pool = createPool({ threads: 1 })({ inc: incTask });
  await pool.call.inc(0);
  const weft: SyncInc = (x) => pool.callSync.inc(x);
  run(weft);
  run(synckit);
  const samples = { weft: [] as number[], synckit: [] as number[] };
  for (let s = 0; s < SAMPLES; s++) {
    samples.weft.push(run(weft));
    samples.synckit.push(run(synckit));
  }
  await pool.shutdown();
  console.log(`synchronous calls of x + 1, one at a time, medians of ${SAMPLES} samples (range):`);
  console.log(`  weft callSync: ${shown(samples.weft)} per call`);
  console.log(`  synckit:       ${shown(samples.synckit)} per call`);
  console.log(
    `  synckit / weft: ${(median(samples.synckit) / median(samples.weft)).toFixed(2)}x`,
  );
  // synckit's worker is never unref'd: end the process.
  globalThis.setTimeout(() =>
    (globalThis as { process?: { exit(code: number): void } })
      .process?.exit(0), 0);
}

if (isMain) await main();
