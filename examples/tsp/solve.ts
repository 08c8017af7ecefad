/**
 * An exact travelling-salesman solver (Held-Karp dynamic programming), shared by the TSP and the
 * BullMQ examples.
 *
 * @module
 */

/** The shortest tour, as the order of the cities from city 0, and its length. */
export interface Tour {
  length: number;
  order: number[];
}

/** Solves one instance given as `[x0, y0, x1, y1, ...]`. */
export function solve(coords: Float64Array): Tour {
  const n = coords.length / 2;
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      dist[i * n + j] = Math.hypot(
        coords[2 * i] - coords[2 * j],
        coords[2 * i + 1] - coords[2 * j + 1],
      );
    }
  }
  // best[mask * n + j]: the shortest path from city 0 through the cities in mask, ending at j.
  const full = 1 << n;
  const best = new Float64Array(full * n).fill(Infinity);
  const prev = new Int8Array(full * n).fill(-1);
  best[1 * n + 0] = 0;
  for (let mask = 1; mask < full; mask += 2) {
    for (let j = 0; j < n; j++) {
      const here = best[mask * n + j];
      if (here === Infinity) continue;
      for (let k = 1; k < n; k++) {
        if (mask & (1 << k)) continue;
        const next = (mask | (1 << k)) * n + k;
        const length = here + dist[j * n + k];
        if (length < best[next]) {
          best[next] = length;
          prev[next] = j;
        }
      }
    }
  }
  let length = Infinity;
  let last = 0;
  for (let j = 1; j < n; j++) {
    const total = best[(full - 1) * n + j] + dist[j * n];
    if (total < length) {
      length = total;
      last = j;
    }
  }
  const order: number[] = [];
  for (let mask = full - 1, j = last; j !== 0;) {
    order.push(j);
    const p = prev[mask * n + j];
    mask &= ~(1 << j);
    j = p;
  }
  order.push(0);
  return { length, order: order.reverse() };
}
