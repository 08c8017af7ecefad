/**
 * Keeps a fixed number of calls in flight: `lanes` async loops, each issuing its next call as
 * soon as its previous one settles, until a call count or a deadline is reached (and, when asked,
 * not before a least number of calls).
 *
 * @module
 */

/** When the lanes stop. */
export interface LaneLimit {
  /** Stop issuing after this many calls in all. Default: unlimited. */
  calls?: number;
  /** Stop issuing once `performance.now()` passes this. Default: never. */
  deadline?: number;
  /**
   * Keep issuing past the deadline until this many calls in all (not past `calls`). Default: 0.
   * A window of large values that holds one round of the calls in flight times that round's
   * latency, garbage collection included or not, rather than a rate.
   */
  minCalls?: number;
}

/**
 * Runs `call` from `lanes` loops until `limit` is reached.
 * @returns The number of calls completed and the elapsed milliseconds (start to last result).
 */
export async function runLanes(
  lanes: number,
  limit: LaneLimit,
  call: () => Promise<unknown>,
): Promise<{ calls: number; ms: number }> {
  const maxCalls = limit.calls ?? Infinity;
  const deadline = limit.deadline ?? Infinity;
  const minCalls = limit.minCalls ?? 0;
  let issued = 0;
  const start = performance.now();
  const lane = async () => {
    while (issued < maxCalls && (issued < minCalls || performance.now() < deadline)) {
      issued++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { calls: issued, ms: performance.now() - start };
}
