import { createHash } from "node:crypto";

/**
 * Sticky experiment assignment: a unit (a shopper's key, a cart, a checkout) hashes with the
 * experiment id to a fixed point in [0, 1), so it lands in the same arm on every request and every
 * machine, with nothing stored. The holdout is the bottom of the range, so changing the variants or
 * their weights never moves a unit into or out of the holdout.
 */

export interface Variant {
  id: string;
  weight: number;
}

export interface Assignment {
  /** the variant's id, or HOLDOUT */
  arm: string;
  holdout: boolean;
  /** the unit's point in [0, 1) */
  bucket: number;
}

export const HOLDOUT = "holdout";
export const DEFAULT_HOLDOUT_SHARE = 0.1;

/** A uniform point in [0, 1) from the first 48 bits of SHA-256 over the experiment id and unit key. */
export function hashToUnit(experimentId: string, unitKey: string): number {
  // JSON keeps the pair unambiguous: ("a:b", "c") and ("a", "b:c") hash differently.
  const digest = createHash("sha256")
    .update(JSON.stringify([experimentId, unitKey]))
    .digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function assignVariant(input: {
  experimentId: string;
  unitKey: string;
  variants: readonly Variant[];
  /** share of units that see no offer at all, default 0.1 */
  holdoutShare?: number;
}): Assignment {
  const { experimentId, unitKey, variants } = input;
  const holdoutShare = input.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
  if (!(holdoutShare >= 0 && holdoutShare <= 1)) throw new RangeError("holdoutShare must be within [0, 1]");
  if (variants.some((v) => !(Number.isFinite(v.weight) && v.weight >= 0))) {
    throw new RangeError("variant weights must be finite and not negative");
  }
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (holdoutShare < 1 && !(total > 0)) throw new RangeError("at least one variant needs a positive weight");

  const bucket = hashToUnit(experimentId, unitKey);
  if (bucket < holdoutShare) return { arm: HOLDOUT, holdout: true, bucket };
  // Spread the rest of the range over the variants in proportion to their weights.
  const point = ((bucket - holdoutShare) / (1 - holdoutShare)) * total;
  let cumulative = 0;
  let last = variants[0]!;
  for (const variant of variants) {
    if (variant.weight === 0) continue;
    cumulative += variant.weight;
    last = variant;
    if (point < cumulative) return { arm: variant.id, holdout: false, bucket };
  }
  return { arm: last.id, holdout: false, bucket };
}
