/**
 * The lines a benchmark child (`run_system.ts`) writes to stdout for `main.ts`: one JSON object
 * per line after a marker, so that anything else the runtime prints passes through untouched.
 *
 * @module
 */

import type { Sample } from "../workloads/types.ts";

/** Marks a protocol line. */
export const MARKER = "@@weft-bench ";

/** What a child reports. */
export type ChildMessage =
  | { kind: "hello"; runtime: string }
  | { kind: "progress"; rep: number; workload: string; text: string }
  | { kind: "sample"; rep: number; sample: Sample }
  | { kind: "error"; workload: string; message: string }
  | { kind: "note"; workload: string; message: string };

/** The protocol line for `message`. */
export function encodeLine(message: ChildMessage): string {
  return MARKER + JSON.stringify(message);
}

/** The message on `line`, or undefined when the line is not a protocol line. */
export function decodeLine(line: string): ChildMessage | undefined {
  if (!line.startsWith(MARKER)) return undefined;
  return JSON.parse(line.slice(MARKER.length)) as ChildMessage;
}
