/**
 * Recycling (`recycle: { afterCalls?, memoryBytes? }`): a worker that has been given `afterCalls`
 * calls, or whose heap has passed `memoryBytes`, is replaced between calls, for tasks that leak
 * or whose memory only grows.
 *
 * A worker's life once it passes a limit:
 *
 * ```
 * serving --limit--> replaced (a replacement starts; the worker still takes calls)
 *         --replacement ready--> retiring (takes no new call)
 *         --nothing in flight--> retired (ended, not replaced again; `stats().recycled` + 1)
 * ```
 *
 * The worker keeps taking calls while its replacement starts, so no call ever waits for a start-up
 * because of recycling; and it is ended only once every call it has was answered, so none fails.
 * The heap figure is the worker's own measurement, read from shared memory whenever one of its
 * calls is answered: the worker writes it when it goes idle (after its idle garbage collection,
 * where the runtime has one) and every 256 calls while it stays busy (see `HEAP_KIB_I32`).
 *
 * @module
 */

/** The recycling limits; each is off when undefined. */
export interface RecycleLimits {
  /** Calls after which a worker is replaced. */
  afterCalls?: number;
  /** Bytes of heap in use past which a worker is replaced. */
  memoryBytes?: number;
}

/** What recycling sees of a lane. */
export interface RecycledLane {
  readonly alive: boolean;
  readonly inFlight: number;
  /** Calls written to the lane so far. */
  readonly calls: number;
  /** Set here once the lane takes no new calls. */
  retiring: boolean;
  /** Bytes in use on the worker's heap when it last measured (0: never). */
  heapBytes(): number;
}

/** What recycling asks of its pool. */
export interface RecyclePool<L extends RecycledLane> {
  /** Starts a replacement for `lane`. @returns false once the pool has stopped. */
  replace(lane: L): boolean;
  /** The lane that `lane`, now ready, replaces, if any. */
  replacementReady(lane: L): L | undefined;
  /** Ends the worker of `lane`, which has nothing in flight, without replacing it. */
  retire(lane: L): void;
}

/** Replaces the workers of one pool that pass a limit. */
export class Recycle<L extends RecycledLane> {
  readonly #limits: RecycleLimits;
  readonly #pool: RecyclePool<L>;
  /** Lanes whose replacement has been started. */
  readonly #replaced = new WeakSet<L>();
  /** Workers retired so far. */
  recycled = 0;

  constructor(limits: RecycleLimits, pool: RecyclePool<L>) {
    this.#limits = limits;
    this.#pool = pool;
  }

  /** A call of `lane` was answered: start its replacement if it has passed a limit. */
  answered(lane: L): void {
    if (this.#replaced.has(lane) || !lane.alive) return;
    const { afterCalls, memoryBytes } = this.#limits;
    if (
      (afterCalls !== undefined && lane.calls >= afterCalls) ||
      (memoryBytes !== undefined && lane.heapBytes() > memoryBytes)
    ) {
      if (this.#pool.replace(lane)) this.#replaced.add(lane);
    }
  }

  /** `lane` has nothing in flight: a retiring lane ends now; another may have passed a limit. */
  idle(lane: L): void {
    if (lane.retiring && lane.alive) this.#retire(lane);
    else this.answered(lane);
  }

  /** `lane`'s worker is ready: the lane it replaces takes no more calls, and ends once idle. */
  ready(lane: L): void {
    const old = this.#pool.replacementReady(lane);
    if (old === undefined || !old.alive) return;
    old.retiring = true;
    if (old.inFlight === 0) this.#retire(old);
  }

  #retire(lane: L): void {
    this.#pool.retire(lane);
    this.recycled++;
  }
}
