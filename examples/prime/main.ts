/**
 * Big primes: the first probable prime after each of a list of random 512-bit numbers, found with
 * Miller-Rabin on `bigint`, on the main thread and on a weft pool.
 *
 * Run: `deno task example prime [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const SMALL_PRIMES = [
  2n,
  3n,
  5n,
  7n,
  11n,
  13n,
  17n,
  19n,
  23n,
  29n,
  31n,
  37n,
  41n,
  43n,
  47n,
];

/** Miller-Rabin with the first 15 primes as witnesses. */
export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  witnesses: for (const a of SMALL_PRIMES) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witnesses;
    }
    return false;
  }
  return true;
}

/** The first probable prime at or after `start`. */
export function nextPrime(start: bigint): bigint {
  let n = start | 1n;
  while (!isProbablePrime(n)) n += 2n;
  return n;
}

export const nextPrimeTask = task({ f: nextPrime });

function randomBits(random: () => number, bits: number): bigint {
  let n = 1n;
  for (let i = 1; i < bits; i++) n = (n << 1n) | (random() < 0.5 ? 0n : 1n);
  return n;
}

if (isMain) {
  const { quick, threads } = exampleOptions();
  const random = seeded(2026);
  const starts = Array.from(
    { length: quick ? 16 : 128 },
    () => randomBits(random, 512),
  );
  const pool = createPool({ threads })({ nextPrimeTask });
  const result = await compare({
    name: "next 512-bit prime",
    unit: "primes",
    items: starts,
    inline: nextPrime,
    weft: (start) => pool.call.nextPrimeTask(start),
  });
  await pool.close();
  report("prime", [result], { threads });
}
