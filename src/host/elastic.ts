/**
 * Elastic threads (`threads: { min, max, idleTimeout }`): when to start one more worker and when
 * to end one. The pool starts `min` workers; this decides the rest, and the pool does the work.
 *
 * - Grow: a call that has to wait (the balancer found no lane with room, or only lanes with calls
 *   in flight) starts one more worker, up to `max`. At most one added worker starts at a time:
 *   a burst of calls in one tick starts one, and once it is ready the pool looks again and starts
 *   the next if calls still wait. Calls written to busy lanes meanwhile move to the new worker
 *   through work stealing (see `dispatcher.ts`).
 * - Shrink: a lane that goes idle while more than `min` workers live gets a timer (one that does
 *   not keep the process alive); when it fires, a lane that has had no call since it went idle
 *   `idleTimeout` ms ago, while no call waits (in the host queue, or behind a running call), is
 *   retired.
 *
 * Why neither loses or repeats a call: a retired lane has nothing in flight (every call written
 * to it was answered, and `inFlight` counts a call from the moment it is written, before it is
 * published), it takes nothing while it withdraws calls, and it is marked dead, so taking no more,
 * in the same turn as the check. Growth only adds a lane.
 *
 * @module
 */

/** Milliseconds at least between two looks at an idle lane kept because calls wait. */
const RECHECK_MS = 10;

/** What elastic sizing sees of one lane. */
export interface ElasticLane {
  readonly alive: boolean;
  readonly ready: boolean;
  readonly inFlight: number;
  readonly withdrawing: boolean;
  /** Calls published to the lane that its worker has not taken yet. */
  readonly unstarted: number;
}

/** What elastic sizing asks of its pool. */
export interface ElasticPool<L extends ElasticLane> {
  /** Every lane, retired ones included (they are not alive). */
  readonly lanes: readonly L[];
  /** Calls waiting in the host queue. */
  queued(): number;
  /** Starts one more worker. @returns Its lane, or undefined when the pool has stopped. */
  grow(): L | undefined;
  /** Ends the worker of `lane`, which has nothing in flight, and does not replace it. */
  retire(lane: L): void;
  /** Runs `task` after `ms` on a timer that does not keep the process alive; returns a cancel. */
  timer(task: () => void, ms: number): () => void;
}

/** The sizing bounds. */
export interface ElasticBounds {
  min: number;
  max: number;
  idleTimeout: number;
}

/** Grows and shrinks one pool. */
export class Elastic<L extends ElasticLane> {
  readonly #bounds: ElasticBounds;
  readonly #pool: ElasticPool<L>;
  /** The added worker that is still starting, if any. */
  #starting: L | undefined;
  /** When each idle lane last went idle, and the cancel of its timer. */
  readonly #idle = new Map<L, { at: number; cancel: () => void }>();

  constructor(bounds: ElasticBounds, pool: ElasticPool<L>) {
    this.#bounds = bounds;
    this.#pool = pool;
  }

  /** Live workers. */
  #alive(): number {
    let n = 0;
    for (const lane of this.#pool.lanes) if (lane.alive) n++;
    return n;
  }

  /** A call has to wait: start one more worker if the bounds allow and none is starting. */
  waiting(): void {
    const starting = this.#starting;
    if (starting !== undefined && starting.alive && !starting.ready) return;
    this.#starting = undefined;
    if (this.#alive() >= this.#bounds.max) return;
    this.#starting = this.#pool.grow();
  }

  /** `lane`'s worker is ready: if calls still wait, the next added worker may start. */
  ready(lane: L): void {
    if (lane !== this.#starting) return;
    this.#starting = undefined;
    if (this.#callsWait()) this.waiting();
  }

  /**
   * True when calls wait in the host queue or behind a running call in a lane (not merely sent
   * to a worker that is about to take them). Work stealing moves the latter to idle lanes.
   */
  #callsWait(): boolean {
    if (this.#pool.queued() > 0) return true;
    for (const l of this.#pool.lanes) {
      if (l.alive && l.unstarted > 0 && l.inFlight > l.unstarted) return true;
    }
    return false;
  }

  /** `lane` has nothing in flight: it may be retired once it stays so for `idleTimeout` ms. */
  idle(lane: L): void {
    const now = performance.now();
    const entry = this.#idle.get(lane);
    if (entry !== undefined) {
      entry.at = now;
      return;
    }
    if (this.#alive() <= this.#bounds.min) return;
    const cancel = this.#pool.timer(() => this.#check(lane), this.#bounds.idleTimeout);
    this.#idle.set(lane, { at: now, cancel });
  }

  #check(lane: L): void {
    const entry = this.#idle.get(lane);
    this.#idle.delete(lane);
    if (entry === undefined || !lane.alive || lane.inFlight > 0) return;
    // Idle again since the timer started (it had calls in between): wait out the rest.
    const left = entry.at + this.#bounds.idleTimeout - performance.now();
    if (left > 1) {
      const cancel = this.#pool.timer(() => this.#check(lane), left);
      this.#idle.set(lane, { at: entry.at, cancel });
      return;
    }
    if (this.#alive() <= this.#bounds.min) return;
    // An idle lane is kept while calls wait (work stealing may hand it some): look again later,
    // not sooner than `RECHECK_MS` (an idle timeout of 0 would otherwise poll).
    if (lane.withdrawing || this.#callsWait()) {
      const wait = Math.max(this.#bounds.idleTimeout, RECHECK_MS);
      const cancel = this.#pool.timer(() => this.#check(lane), wait);
      this.#idle.set(lane, { at: performance.now(), cancel });
      return;
    }
    this.#pool.retire(lane);
  }

  /** The pool stops: no timer may fire after it. */
  stop(): void {
    for (const entry of this.#idle.values()) entry.cancel();
    this.#idle.clear();
  }
}
