import { z } from "zod";
import { DISCOUNT_HISTORIES, type DiscountHistory } from "~ml";
import { SEGMENT_CODES, type Segment } from "./segments";

/**
 * How often a shopper's past orders carried a discount (codes, automatic discounts; not our offers'
 * own, which would feed on themselves): the discount policy's best hint of whether a discount changes
 * what they do. Known only for orders whose discounts the source reports (Shopify's do, files do not).
 */
export const DiscountHistorySchema = z.enum(DISCOUNT_HISTORIES);
export const DISCOUNT_HISTORY_LABELS: Record<DiscountHistory, string> = {
  never: "whose orders never carried a discount",
  sometimes: "whose orders sometimes carried a discount",
  mostly: "whose orders mostly carried a discount",
};

/**
 * An offer id's one-letter shopper context: the segment's own letter when the discount history is
 * not known, else a letter for the pair. Guests and first orders have no history. The letters are
 * distinct from the segments' (app/lib/segments.ts), so ids signed before the history still read.
 */
const CONTEXT_CODES: Partial<Record<Segment, Record<DiscountHistory, string>>> = {
  returning: { never: "a", sometimes: "b", mostly: "c" },
  vip: { never: "d", sometimes: "e", mostly: "h" },
  lapsing: { never: "i", sometimes: "j", mostly: "k" },
  lapsed: { never: "m", sometimes: "n", mostly: "o" },
};

export interface ShopperContextClaim {
  segment: Segment | null;
  discountHistory: DiscountHistory | null;
}

const CONTEXT_BY_CODE = new Map<string, ShopperContextClaim>([
  ...Object.entries(SEGMENT_CODES).map(
    ([segment, code]) => [code, { segment: segment as Segment, discountHistory: null }] as const,
  ),
  ...Object.entries(CONTEXT_CODES).flatMap(([segment, codes]) =>
    Object.entries(codes).map(
      ([history, code]) =>
        [code, { segment: segment as Segment, discountHistory: history as DiscountHistory }] as const,
    ),
  ),
]);

export function contextCode(segment: Segment | null, discountHistory: DiscountHistory | null): string {
  if (segment === null) return "0";
  const paired = discountHistory ? CONTEXT_CODES[segment]?.[discountHistory] : undefined;
  return paired ?? SEGMENT_CODES[segment];
}

/** The context an offer id's letter names; an unknown letter names none. */
export function contextOfCode(code: string): ShopperContextClaim {
  return CONTEXT_BY_CODE.get(code) ?? { segment: null, discountHistory: null };
}
