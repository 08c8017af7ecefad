/** Seeded random values for the codec property test and the worker echo test. */

export type Random = () => number;

/** A whole number below `max`. */
export function int(rand: Random, max: number): number {
  return Math.floor(rand() * max);
}

/** Sizes around the 40-64 byte boundary that fast paths care about, and up to ~100 KB. */
function size(rand: Random): number {
  const pick = rand();
  if (pick < 0.5) return int(rand, 16);
  if (pick < 0.85) return 40 + int(rand, 25);
  return int(rand, 100_000);
}

const ALPHABET = ["a", "Z", "0", " ", "é", "日", "😀", "\ud800", "\udc00", "\u0000", "\ufeff"];

function randomString(rand: Random): string {
  const n = size(rand);
  if (rand() < 0.6) return "x".repeat(n);
  let s = "";
  for (let i = 0; i < n && s.length < n; i++) s += ALPHABET[int(rand, ALPHABET.length)];
  return s;
}

function randomBytes(rand: Random): Uint8Array {
  const out = new Uint8Array(size(rand));
  for (let i = 0; i < out.length; i += 97) out[i] = int(rand, 256);
  return out;
}

function randomLeaf(rand: Random): unknown {
  switch (int(rand, 12)) {
    case 0:
      return int(rand, 2 ** 31) - 2 ** 30;
    case 1:
      return (rand() - 0.5) * 1e12;
    case 2:
      return [-0, NaN, Infinity, -Infinity][int(rand, 4)];
    case 3:
      return BigInt(int(rand, 1e9)) ** BigInt(1 + int(rand, 12)) * (rand() < 0.5 ? -1n : 1n);
    case 4:
      return randomString(rand);
    case 5:
      return randomBytes(rand);
    case 6:
      return randomBytes(rand).buffer;
    case 7:
      return new Date(int(rand, 2e12));
    case 8:
      return [true, false, null, undefined][int(rand, 4)];
    case 9:
      return new Float64Array(int(rand, 64)).fill(rand());
    case 10:
      return /x+y/gi;
    default:
      return "";
  }
}

/** A random nested value of at most `depth` levels, with sizes across the inline/payload boundary. */
export function randomValue(rand: Random, depth: number): unknown {
  if (depth === 0 || rand() < 0.3) return randomLeaf(rand);
  const width = int(rand, 6);
  switch (int(rand, 4)) {
    case 0: {
      const out: unknown[] = [];
      for (let i = 0; i < width; i++) out.push(randomValue(rand, depth - 1));
      if (rand() < 0.2) delete out[0];
      return out;
    }
    case 1: {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) out[`k${int(rand, 1000)}`] = randomValue(rand, depth - 1);
      return out;
    }
    case 2: {
      const out = new Map<unknown, unknown>();
      // Primitive keys: Bun's deepStrictEqual mismatches Maps keyed by objects even against
      // structuredClone's own copy. Object keys are covered by the table test.
      for (let i = 0; i < width; i++) {
        out.set(rand() < 0.5 ? int(rand, 100) : `k${int(rand, 100)}`, randomValue(rand, depth - 1));
      }
      return out;
    }
    default: {
      const out = new Set<unknown>();
      for (let i = 0; i < width; i++) out.add(randomValue(rand, depth - 1));
      return out;
    }
  }
}
