/**
 * Lane selection: pure functions over what the dispatcher knows of each lane, so they can be
 * tested alone and swapped with the `balancer` option.
 *
 * Every balancer takes only lanes that can take a call now (`open`), and prefers lanes whose
 * worker is ready over ones still starting (a call written to a starting worker waits for its
 * start-up, however idle the others are). Among those:
 * - `roundRobin`: the first from `start` on, wrapping;
 * - `leastBusy`: the one with the fewest calls in flight, the first from `start` on among equals;
 * - `firstIdle`: the first from `start` on with nothing in flight, else as `leastBusy`.
 *
 * A burst of calls made in one tick spreads alike under `roundRobin` and `leastBusy` (counts only
 * fall when answers are read); the balancers differ once lanes are unevenly loaded: a lane busy
 * with a long task keeps its calls in flight, and `leastBusy` sends new ones elsewhere. Calls that
 * are already waiting in a stuck lane are moved by work stealing (see `dispatcher.ts`).
 *
 * The default is `leastBusy`. Measured on two workers (x + 1; one call at a time, 50 awaited
 * together, and 1,024 in flight), it matched `roundRobin` within the noise of a loaded 2-core
 * machine on all three runtimes (Deno 115 vs 118 µs per single call, 772k vs 797k calls/s; Node
 * 335 vs 376 µs per 50-call batch; Bun 205 vs 244 µs), while `firstIdle` lost throughput on Deno
 * (530k calls/s) and batches on Node (448 µs); and unlike `roundRobin` it keeps new calls away
 * from a lane that is busy with a long task. The benchmark's small-call workloads use one worker,
 * where no balancer is consulted.
 *
 * @module
 */

/** What a balancer sees of one lane. */
export interface LaneState {
  /** The lane can take a call now: its worker is alive, not stuck, and a slot is free. */
  readonly open: boolean;
  /** Its worker has loaded its modules. */
  readonly ready: boolean;
  /** Calls written to it and not yet answered. */
  readonly inFlight: number;
}

/** The balancers, by the name the `balancer` option takes. */
export type BalancerName = "roundRobin" | "leastBusy" | "firstIdle";

/**
 * Picks a lane.
 * @param lanes Every lane of the pool.
 * @param start The lane to look at first (the one after the last pick).
 * @returns The index of the lane, or -1 when none is open.
 */
export type Balancer = (lanes: readonly LaneState[], start: number) => number;

/** Lower is better: ready lanes first, then fewer calls in flight. */
function load(lane: LaneState): number {
  return lane.ready ? lane.inFlight : 0x40000000 + lane.inFlight;
}

/** The first open lane from `start` on, ready lanes first. */
export const roundRobin: Balancer = (lanes, start) => {
  const count = lanes.length;
  let starting = -1;
  for (let k = 0; k < count; k++) {
    const i = (start + k) % count;
    const lane = lanes[i];
    if (!lane.open) continue;
    if (lane.ready) return i;
    if (starting === -1) starting = i;
  }
  return starting;
};

/** The open lane with the fewest calls in flight, ready lanes first. */
export const leastBusy: Balancer = (lanes, start) => {
  const count = lanes.length;
  let best = -1;
  let bestLoad = Infinity;
  for (let k = 0; k < count; k++) {
    const i = (start + k) % count;
    const lane = lanes[i];
    if (!lane.open) continue;
    const l = load(lane);
    if (l < bestLoad) {
      if (l === 0) return i;
      best = i;
      bestLoad = l;
    }
  }
  return best;
};

/** The first open, ready lane with nothing in flight; else the least busy. */
export const firstIdle: Balancer = (lanes, start) => {
  const count = lanes.length;
  for (let k = 0; k < count; k++) {
    const i = (start + k) % count;
    const lane = lanes[i];
    if (lane.open && lane.ready && lane.inFlight === 0) return i;
  }
  return leastBusy(lanes, start);
};

/** Every balancer by its option name. */
export const BALANCERS: Readonly<Record<BalancerName, Balancer>> = {
  roundRobin,
  leastBusy,
  firstIdle,
};
