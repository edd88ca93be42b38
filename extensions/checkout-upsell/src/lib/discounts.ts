import type { Offer } from "./offers";

/**
 * The code to take off the checkout when a line added from an offer leaves it: the code of that
 * offer, or of an offer of the same product (the app gives a shopper one code per product, so a
 * later render's offer carries the same one). Null unless the checkout has it applied.
 */
export function codeToRemove(
  left: { offerId: string; productId: string },
  offers: readonly Offer[],
  applied: ReadonlyArray<{ code: string }>,
): string | null {
  const offer =
    offers.find((candidate) => candidate.offerId === left.offerId && candidate.discount) ??
    offers.find((candidate) => candidate.productId === left.productId && candidate.discount);
  const code = offer?.discount?.code;
  if (!code) return null;
  // Shopify compares codes without regard to case.
  const wanted = code.toLowerCase();
  return applied.some((entry) => entry.code.toLowerCase() === wanted) ? code : null;
}
