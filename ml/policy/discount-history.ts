/**
 * How often a shopper's past orders carried a discount, from the orders whose discounts are known:
 * one rule for the app, which reads it from a customer's orders, and the simulation, which draws it.
 */
export const DISCOUNT_HISTORIES = ["never", "sometimes", "mostly"] as const;
export type DiscountHistory = (typeof DISCOUNT_HISTORIES)[number];

/** `known`: the shopper's orders whose discounts are known; `discounted`: those with one. */
export function discountHistoryOf({
  known,
  discounted,
}: {
  known: number;
  discounted: number;
}): DiscountHistory | null {
  if (!(known > 0)) return null;
  if (!(discounted > 0)) return "never";
  return discounted * 2 >= known ? "mostly" : "sometimes";
}
