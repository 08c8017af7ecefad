/**
 * The host's time slices: weft never runs more than about `SLICE_MS` of its own work (draining
 * answers, resolving promises, sending queued calls) before the host's event loop gets a turn.
 *
 * A slice opens with the first piece of weft work after the event loop last ran, and schedules a
 * macrotask that closes it. Work that finds the slice spent stops and goes on in a macrotask of
 * its own (`later`), so timers, I/O and the application's own tasks run in between. Microtasks
 * would not do: they all run before the event loop does, so a chain of them (answers that resolve
 * promises whose continuations make calls whose answers are already there) could hold the host
 * for as long as answers keep coming. `setTimeout(0)` would not do either: nested, it waits at
 * least 1 ms (4 ms in browsers) however idle the loop is. All pools of a process share one slice.
 *
 * @module
 */

import { runtime } from "../runtime/detect.ts";

/** Milliseconds of weft's own host work per macrotask. */
export const SLICE_MS = 1;
/** Items (answers, queued calls) handled between two looks at the clock. */
export const SLICE_CHECK_EVERY = 32;

/** Start of the open slice, or -1 when the event loop has run since the last one. */
let sliceStart = -1;
const close = () => {
  sliceStart = -1;
};

/**
 * Opens a slice if none is open. @returns true while the slice has time left: the caller may go
 * on with its work; false when it should stop and continue in {@linkcode later}.
 */
export function inSlice(): boolean {
  const now = performance.now();
  if (sliceStart < 0) {
    sliceStart = now;
    runtime.macrotask(close);
    return true;
  }
  return now - sliceStart < SLICE_MS;
}

/** Runs `task` in a macrotask of its own, after the event loop has had a turn. */
export function later(task: () => void): void {
  runtime.macrotask(task);
}
