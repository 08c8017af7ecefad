/**
 * Affinity: calls made with the same `key` go to the same worker while that worker lives, so a
 * task can keep a cache per worker and find it warm. A key is pinned to a lane by the first call
 * that carries it, wherever the balancer sends that call; it stays pinned while that lane's
 * worker is the one alive in its place. Once the worker is gone or going (it crashed, is being
 * recycled, or was retired by an elastic pool) the key's next call goes to the balancer again and is pinned anew.
 *
 * Invariant: a pin names a `Lane` object, never an index, so a new worker started in the same
 * place (a replacement after a crash) is never taken for the old one, whose cache died with it.
 *
 * @module
 */

/** What affinity needs to know of a lane. */
export interface PinnedLane {
  /** False once the worker is gone. */
  readonly alive: boolean;
  /** True once the worker takes no new calls (it is being recycled). */
  readonly retiring: boolean;
}

/** The lane each key is pinned to. */
export class Affinity<L extends PinnedLane> {
  readonly #pins = new Map<string | number, L>();

  /** Keys pinned now (to live or gone lanes not yet forgotten). */
  get size(): number {
    return this.#pins.size;
  }

  /** The live lane `key` is pinned to, or undefined when it has none (or its lane is gone). */
  laneOf(key: string | number): L | undefined {
    const lane = this.#pins.get(key);
    if (lane === undefined) return undefined;
    if (lane.alive && !lane.retiring) return lane;
    this.#pins.delete(key);
    return undefined;
  }

  /** Pins `key` to `lane`. */
  pin(key: string | number, lane: L): void {
    this.#pins.set(key, lane);
  }

  /** Forgets every key pinned to `lane` (its worker is gone), so the map holds only live pins. */
  forget(lane: L): void {
    for (const [key, pinned] of this.#pins) if (pinned === lane) this.#pins.delete(key);
  }
}
