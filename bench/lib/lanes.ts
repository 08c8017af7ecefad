/**
 * Keeps a fixed number of calls in flight: `lanes` async loops, each issuing its next call as
 * soon as its previous one settles, until a call count or a deadline is reached.
 *
 * @module
 */

/** When the lanes stop. */
export interface LaneLimit {
  /** Stop issuing after this many calls in all. Default: unlimited. */
  calls?: number;
  /** Stop issuing once `performance.now()` passes this. Default: never. */
  deadline?: number;
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
  let issued = 0;
  const start = performance.now();
  const lane = async () => {
    while (issued < maxCalls && performance.now() < deadline) {
      issued++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { calls: issued, ms: performance.now() - start };
}
