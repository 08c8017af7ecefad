/**
 * Workload 8, per-type suite: echoes one value of each kind in `type_values.ts` (objects,
 * arrays, a tree, Map, Set, Dates, typed arrays, ArrayBuffer, ASCII and non-ASCII strings, a
 * bigint, an error chain) at a small size (about 256 B of data) and a large one (about
 * 256 KiB), 64 calls in flight; calls/s, and MB/s of the value's data one way (`data_bytes.ts`).
 *
 * Every small value is echoed for 40 ms once per process before any is timed (the JIT's warm-up).
 * Each value is built once per process and checked by a one-call probe before it is timed: a
 * system that cannot echo it (the probe rejects, or returns a wrong copy) is noted and skips
 * that variant only. A wrong copy later on fails the workload, as in the payload sweep.
 *
 * @module
 */

import { runLanes } from "../lib/lanes.ts";
import type { Client } from "../systems/types.ts";
import { dataBytes } from "./data_bytes.ts";
import { type BuiltValue, TYPE_KINDS } from "./type_values.ts";
import type { Sample, Workload } from "./types.ts";

/** Data bytes of each size. */
export const TYPE_SIZES = { small: 256, large: 256 * 1024 } as const;
const IN_FLIGHT = 64;
/**
 * Warm-up (until `warmMs` or `warmCalls`, whichever comes first) and measuring time, per variant.
 * The calls in flight at a deadline still finish, and for a large value that drain, 64 calls of
 * up to tens of ms each, is most of the time: its warm-up is a few calls (one call already runs
 * the codec over thousands of items), none beyond the probe with `--quick`. A full run's large
 * window holds at least `measureCalls`, three rounds of the calls in flight: a 100 ms window
 * held one round for most systems (90-10k calls/s), so one garbage collection more or less
 * swung a variant 2-4x between runs.
 */
const WINDOWS = {
  quick: {
    small: { warmMs: 15, warmCalls: Infinity, measureMs: 15, measureCalls: 0 },
    large: { warmMs: 0, warmCalls: 0, measureMs: 20, measureCalls: 0 },
  },
  full: {
    small: { warmMs: 50, warmCalls: Infinity, measureMs: 50, measureCalls: 0 },
    large: { warmMs: 30, warmCalls: IN_FLIGHT / 8, measureMs: 100, measureCalls: 3 * IN_FLIGHT },
  },
} as const;

interface Prepared extends BuiltValue {
  bytes: number;
  expected: string;
}

const built = new Map<string, Prepared>();

/** The value of `label`, built on first use (once per process, not per repetition). */
function prepare(label: string, build: () => BuiltValue): Prepared {
  let entry = built.get(label);
  if (entry === undefined) {
    const value = build();
    entry = { ...value, bytes: dataBytes(value.value), expected: value.fingerprint(value.value) };
    built.set(label, entry);
  }
  return entry;
}

/** An echo of `value` that throws on a wrong copy. */
function echoOf(client: Client, label: string, value: Prepared): () => Promise<void> {
  return async () => {
    const back = await client.call("echo", value.value);
    const got = value.fingerprint(back);
    if (got !== value.expected) {
      throw new Error(`Cannot echo ${label}: wrong result, received ${got}`);
    }
  };
}

/**
 * The echo path's JIT warm-up, once per process: every small value for `ms` each, before any is
 * measured. A variant's own warm-up is too short for a new pool: weft on Node 24 echoed the small
 * object at 20k calls/s in its first 100 ms and at 150-200k once every kind had been through it.
 * A value the system cannot echo is skipped here; the measuring loop notes it.
 */
async function warmSmall(client: Client, ms: number): Promise<void> {
  for (const kind of TYPE_KINDS) {
    const label = `${kind.name} small`;
    const echo = echoOf(client, label, prepare(label, () => kind.build(TYPE_SIZES.small)));
    try {
      await echo();
    } catch {
      continue;
    }
    await runLanes(IN_FLIGHT, { deadline: performance.now() + ms }, echo);
  }
}

/** Runs workload 8. */
export const perType: Workload = async ({ start, quick, progress, note }) => {
  const windows = quick ? WINDOWS.quick : WINDOWS.full;
  const client = await start(1);
  const samples: Sample[] = [];
  try {
    await warmSmall(client, quick ? 5 : 40);
    for (const kind of TYPE_KINDS) {
      for (const size of ["small", "large"] as const) {
        const label = `${kind.name} ${size}`;
        progress(label);
        const value = prepare(label, () => kind.build(TYPE_SIZES[size]));
        const echo = echoOf(client, label, value);
        try {
          await echo();
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          note(message.startsWith("Cannot echo") ? message : `Cannot echo ${label}: ${message}`);
          continue;
        }
        const { warmMs, warmCalls, measureMs, measureCalls } = windows[size];
        await runLanes(IN_FLIGHT, { deadline: performance.now() + warmMs, calls: warmCalls }, echo);
        const deadline = performance.now() + measureMs;
        const run = await runLanes(IN_FLIGHT, { deadline, minCalls: measureCalls }, echo);
        const callsPerS = run.calls / (run.ms / 1000);
        samples.push({
          workload: "types",
          variant: label,
          metrics: { calls_per_s: callsPerS, mb_per_s: (callsPerS * value.bytes) / 1e6 },
        });
      }
    }
  } finally {
    await client.close();
  }
  return samples;
};
