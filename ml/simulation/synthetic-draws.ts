import type { Rng } from "../data/random";

// Seeded weighted draws for the synthetic shop, with independent random streams per stage so that
// changing one stage (say, the number of customers) does not reshuffle the catalog.

export function streamSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function cumulative(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i]!;
    sums[i] = total;
  }
  return sums;
}

/** Index drawn in proportion to the weights behind `sums[0..end)`; -1 when they are all zero. */
export function drawIndex(rng: Rng, sums: Float64Array, end = sums.length): number {
  const total = end > 0 ? sums[end - 1]! : 0;
  if (total <= 0) return -1;
  const target = rng() * total;
  let lo = 0;
  let hi = end - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sums[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Splits `total` into integers proportional to `weights` that sum to `total`, by rounding the running
 * sum: 100 orders over a year land every few days rather than all on the busiest ones.
 */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  let given = 0;
  return weights.map((w) => {
    running += w;
    const upTo = sum > 0 ? Math.round((total * running) / sum) : 0;
    const count = upTo - given;
    given = upTo;
    return count;
  });
}
