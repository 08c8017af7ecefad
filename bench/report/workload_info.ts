/**
 * How each workload is reported: its title, its metrics (label, unit, which way is better) and
 * the metric that the "vs weft" ratio is taken on.
 *
 * @module
 */

import type { WorkloadName } from "../workloads/names.ts";

/** One reported metric. */
export interface MetricInfo {
  key: string;
  label: string;
  better: "lower" | "higher";
  /** Formats a value of this metric. */
  format(value: number): string;
}

/** How one workload is reported. */
export interface WorkloadInfo {
  title: string;
  note: string;
  metrics: MetricInfo[];
  /** The metric the "vs weft" column compares. */
  ratioOn: string;
}

/** A number with about three significant digits. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e8 ? 0 : 2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(abs >= 1e5 ? 0 : 1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** Three significant digits (GB/s, ms); a dash where a variant has no such figure. */
const digits3 = (value: number) => Number.isFinite(value) ? value.toPrecision(3) : "–";

const percent = (value: number) => Number.isFinite(value) ? `${num(value * 100)}%` : "–";

const metric = (
  key: string,
  label: string,
  better: "lower" | "higher",
  format = num,
): MetricInfo => ({ key, label, better, format });

/** Report settings of every workload. */
export const WORKLOAD_INFO: Record<WorkloadName, WorkloadInfo> = {
  latency: {
    title: "1. Tiny-call latency",
    note: "Time per batch of calls awaited together with Promise.all, one worker.",
    metrics: [
      metric("avg_us", "avg µs", "lower"),
      metric("p99_us", "p99 µs", "lower"),
    ],
    ratioOn: "avg_us",
  },
  throughput: {
    title: "2. Throughput",
    note: "Calls of x + 1 with up to 1,024 in flight, one worker (HTTP/WebSocket: 1/10 the calls).",
    metrics: [metric("calls_per_s", "calls/s", "higher")],
    ratioOn: "calls_per_s",
  },
  payload: {
    title: "3. Payload sweep (echo, 64 in flight)",
    note: "GB/s one way; `% of set` is the fraction of this process's 1 MiB " +
      "Uint8Array.prototype.set rate.",
    metrics: [
      metric("gbps", "GB/s", "higher", digits3),
      metric("of_set", "% of set", "higher", percent),
    ],
    ratioOn: "gbps",
  },
  startup: {
    title: "4. Start-up and shutdown",
    note: "Start-up: creating the pool to the first result. Shutdown: until it has stopped.",
    metrics: [
      metric("startup_ms", "start-up ms", "lower"),
      metric("shutdown_ms", "shutdown ms", "lower"),
    ],
    ratioOn: "startup_ms",
  },
  idle: {
    title: "5. Idle cost",
    note:
      "Whole-process CPU (user + system) while one worker idles after a burst, % of one core; then the time of one call to the parked worker.",
    metrics: [
      metric("cpu_pct", "% of a core", "lower"),
      metric("settled_cpu_pct", "% of a core after 1.5 s", "lower"),
      metric("wake_us", "first call after idle µs", "lower"),
    ],
    ratioOn: "cpu_pct",
  },
  long_task: {
    title: "6. Result latency of a long task",
    note: "Host continuation time minus the time the 5 ms task finished (same wall clock).",
    metrics: [
      metric("p50_us", "p50 µs", "lower"),
      metric("p99_us", "p99 µs", "lower"),
    ],
    ratioOn: "p99_us",
  },
  scaling: {
    title: "7. CPU-bound scaling (prime count)",
    note: "Wall time and speed-up over the main thread alone in the same process.",
    metrics: [
      metric("ms", "ms", "lower"),
      metric("speedup", "speed-up", "higher"),
    ],
    ratioOn: "ms",
  },
  types: {
    title: "8. Per-type suite (echo, 64 in flight)",
    note: "One value per kind, small (about 256 B of data) and large (about 256 KiB), one " +
      "worker. MB/s counts the value's data one way: text as UTF-8, 8 B per number or Date, " +
      "buffer bytes, keys; not the structure or any wire format.",
    metrics: [
      metric("calls_per_s", "calls/s", "higher"),
      metric("mb_per_s", "MB/s", "higher"),
    ],
    ratioOn: "calls_per_s",
  },
  lateness: {
    title: "9. Host event-loop lateness under load",
    note: "How late a 5 ms interval timer on the host fires while 100,000 calls of x + 1 run " +
      "(2,000 in flight, 250 issued per macrotask turn, one worker).",
    metrics: [
      metric("p50_ms", "p50 ms", "lower", digits3),
      metric("p99_ms", "p99 ms", "lower", digits3),
      metric("max_ms", "max ms", "lower", digits3),
      metric("calls_per_s", "calls/s", "higher"),
    ],
    ratioOn: "p99_ms",
  },
  streams: {
    title: "10. Streams (for await)",
    note: "Items read with `for await`, one worker: streams of 50,000 numbers and of 1,000 " +
      "chunks of 64 KiB, repeated for 800 ms per kind (200 ms with `--quick`). weft: a " +
      "generator task; postMessage: a raw worker posting one message per item, read from its " +
      "port; ReadableStream: the same messages through a web ReadableStream. " +
      "The other pools and the servers have no streaming calls.",
    metrics: [
      metric("items_per_s", "items/s", "higher"),
      metric("gbps", "GB/s", "higher", digits3),
    ],
    ratioOn: "items_per_s",
  },
};
