import { type Dataset, lastOrderTime } from "../data/dataset";

const DAY_MS = 86_400_000;

/**
 * Recency weight of each order: 2^(-age / halfLife), age measured from the latest order. Data
 * without dates gets weight 1 everywhere (file order is not a clock).
 */
export function orderWeights(data: Dataset, halfLifeDays: number): Float64Array {
  const weights = new Float64Array(data.orderIds.length).fill(1);
  if (!data.dated || !(halfLifeDays > 0)) return weights;
  const now = lastOrderTime(data);
  for (let o = 0; o < weights.length; o++) {
    weights[o] = 2 ** (-(now - data.orderTime[o]!) / (halfLifeDays * DAY_MS));
  }
  return weights;
}

/** The largest absolute value of a vector; an indexed loop, as it runs over the whole catalog per query. */
export function maxAbs(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > max) max = v;
    else if (-v > max) max = -v;
  }
  return max;
}

/** Scales a vector so its largest absolute value is 1 (all-zero vectors stay zero); returns that value. */
export function normalizeMaxAbs(values: Float32Array): number {
  const max = maxAbs(values);
  if (max === 0) return 0;
  const inv = 1 / max;
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * inv;
  return max;
}

/** A tiny popularity tie-break so that empty signals still give a sensible order. */
export const TIE_BREAK = 1e-6;
