/**
 * Which runtime this benchmark process runs on, and its version, for labels and for the few
 * places where the systems differ per runtime (worker kind, HTTP server).
 *
 * @module
 */

import process from "node:process";

/** The three runtimes the benchmarks run on. */
export type RuntimeName = "deno" | "node" | "bun";

/** The runtime of this process. Deno and Bun also define `process`, so they are checked first. */
export const RUNTIME: RuntimeName = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/** A label such as `deno 2.9.6`, `node 24.21.0` or `bun 1.4.5`. */
export function runtimeLabel(): string {
  if (RUNTIME === "deno") return `deno ${Deno.version.deno}`;
  if (RUNTIME === "bun") return `bun ${process.versions.bun}`;
  return `node ${process.versions.node}`;
}
