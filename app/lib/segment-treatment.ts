import type { Segment } from "./segments";
import type { ShopSettings } from "./shop-settings";

export interface SegmentTreatment {
  /** false: the segment's shoppers are shown no offers */
  offers: boolean;
  maxOffers: number;
  /** the largest discount the segment may be given: the shop's, or the segment's when lower */
  maxDiscountPercent: number;
  /** the merchant's message to the segment in the shopper's language; null when none is set for it */
  message: string | null;
}

/** How a segment's shopper is served under the shop's settings; by the shop's own without a segment. */
export function segmentTreatment(
  settings: ShopSettings,
  segment: Segment | null,
  locale: string | null | undefined,
): SegmentTreatment {
  const own = segment ? settings.segments[segment] : undefined;
  const language = (locale ?? "").slice(0, 2).toLowerCase();
  const shopMax = settings.discounts.maxPercent;
  return {
    offers: own?.offers ?? true,
    maxOffers: own?.maxOffers ?? settings.maxOffers,
    maxDiscountPercent: Math.min(shopMax, own?.maxDiscountPercent ?? shopMax),
    message: own?.messages[language]?.trim() || null,
  };
}
