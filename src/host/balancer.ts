/**
 * Lane selection, as a pure function so it can be tested and swapped.
 *
 * @module
 */

/**
 * Round-robin: the first lane from `start` onwards (wrapping) that can take a call.
 * @param start Lane to try first.
 * @param count Number of lanes.
 * @param canTake Whether lane `i` can take a call now.
 * @returns The lane index, or -1 when none can.
 */
export function pickRoundRobin(
  start: number,
  count: number,
  canTake: (lane: number) => boolean,
): number {
  for (let k = 0; k < count; k++) {
    const lane = (start + k) % count;
    if (canTake(lane)) return lane;
  }
  return -1;
}
