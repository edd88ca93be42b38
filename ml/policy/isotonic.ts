/**
 * Weighted isotonic regression (pool adjacent violators): the non-decreasing sequence closest to
 * `values` in weighted squared error. Neighbours that break the order are replaced by their weighted
 * mean, so a well-measured value moves little and a barely measured one moves a lot.
 */
export function isotonicNonDecreasing(values: readonly number[], weights: readonly number[]): number[] {
  if (values.length !== weights.length) throw new RangeError("values and weights differ in length");
  const means: number[] = [];
  const totals: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let mean = values[i]!;
    let total = Math.max(weights[i]!, Number.MIN_VALUE);
    let size = 1;
    while (means.length > 0 && means[means.length - 1]! > mean) {
      const previousTotal = totals.pop()!;
      mean = (means.pop()! * previousTotal + mean * total) / (previousTotal + total);
      total += previousTotal;
      size += sizes.pop()!;
    }
    means.push(mean);
    totals.push(total);
    sizes.push(size);
  }
  return means.flatMap((mean, block) => new Array<number>(sizes[block]!).fill(mean));
}
