/**
 * Every benchmarked system: how to start it, which workloads it takes part in, and on which
 * runtimes it is skipped and why (the reason is printed in the tables).
 *
 * @module
 */

import type { RuntimeName } from "../lib/runtime_info.ts";
import type { WorkloadName } from "../workloads/names.ts";
import type { StartSystem } from "./types.ts";

/** One benchmarked system. */
export interface SystemInfo {
  /** Name in tables and on the command line. */
  name: string;
  /** Loads the system's module and returns its start function. */
  load(): Promise<StartSystem>;
  /** Workloads it runs. */
  workloads: readonly WorkloadName[];
  /** Runtimes where it does not run, with the reason. */
  skip: Partial<Record<RuntimeName, string>>;
}

/**
 * weft and the postMessage baseline: every workload, the per-type suite and streams only with
 * these two (and their variants below). The peer pools and the servers have no streaming calls.
 */
const ALL: readonly WorkloadName[] = [
  "latency",
  "throughput",
  "payload",
  "startup",
  "idle",
  "long_task",
  "scaling",
  "types",
  "lateness",
  "streams",
];
const PEER: readonly WorkloadName[] = [
  "latency",
  "throughput",
  "payload",
  "startup",
  "long_task",
  "lateness",
];
const NETWORK: readonly WorkloadName[] = ["latency", "throughput", "payload"];

/** The systems, weft first and the postMessage baseline second. */
export const SYSTEMS: readonly SystemInfo[] = [
  {
    name: "weft",
    load: async () => (await import("./weft.ts")).startWeft,
    workloads: ALL,
    skip: {},
  },
  {
    // Process workers against the threads above: single calls, 50-call batches, 1 MiB payloads,
    // streams.
    name: "weft-process",
    load: async () => (await import("./weft.ts")).startWeftProcess,
    workloads: ["latency", "payload", "streams"],
    skip: {},
  },
  {
    // The npm package (Node and Bun users' install) against the sources above: start-up and tiny
    // calls. Deno users get the sources from JSR: that is the weft row.
    name: "weft-npm",
    load: async () => (await import("./weft_npm.ts")).startWeftNpm,
    workloads: ["latency", "startup"],
    skip: { deno: "Deno users install the TypeScript sources from JSR: the weft row" },
  },
  {
    name: "postMessage",
    load: async () => (await import("./post_message.ts")).startPostMessage,
    workloads: ALL,
    skip: {},
  },
  {
    // The postMessage baseline's stream messages read through a web ReadableStream; no calls.
    name: "ReadableStream",
    load: async () => (await import("./post_message.ts")).startReadableStream,
    workloads: ["streams"],
    skip: {},
  },
  {
    name: "piscina",
    load: async () => (await import("./piscina.ts")).startPiscina,
    workloads: PEER,
    skip: {},
  },
  {
    name: "tinypool",
    load: async () => (await import("./tinypool.ts")).startTinypool,
    workloads: PEER,
    skip: {
      deno: "hangs: on Deno 2.9.6 its first call never settles in about half of the starts",
    },
  },
  {
    name: "workerpool",
    load: async () => (await import("./workerpool.ts")).startWorkerpool,
    workloads: PEER,
    skip: {
      bun: "hangs: on Bun 1.4.5 its first call never settles (thread, web and process workers)",
    },
  },
  {
    name: "websocket",
    load: async () => (await import("./websocket.ts")).startWebSocket,
    workloads: NETWORK,
    skip: {},
  },
  {
    name: "http",
    load: async () => (await import("./http.ts")).startHttp,
    workloads: NETWORK,
    skip: {},
  },
];

/** The system called `name`, or undefined. */
export function systemByName(name: string): SystemInfo | undefined {
  return SYSTEMS.find((s) => s.name === name);
}
