import { count } from "./format";

/**
 * The settings' line under the assumed cost: for how many of the products offers can show Shopify
 * has a cost, and that the assumed percentage of the price stands in for the others' cost.
 */
export function costCoverageText({
  products,
  withCost,
  assumedCostPercent,
}: {
  products: number;
  withCost: number;
  /** as typed in the form; null when it is not a number */
  assumedCostPercent: number | null;
}): string {
  const assumed = assumedCostPercent === null ? "assumed cost" : `assumed ${assumedCostPercent}%`;
  if (products === 0)
    return `No products can be offered yet: checkout offers products synced from Shopify with a variant for sale, not those known only from an order file. The ${assumed} applies where Shopify has no cost.`;
  if (withCost === 0)
    return `Shopify has no cost for any of the ${count.format(products)} products that can be offered; the ${assumed} applies to all of them.`;
  if (withCost >= products)
    return `Shopify has a cost for all ${count.format(products)} products that can be offered; the ${assumed} applies to none of them.`;
  return `Shopify has a cost for ${count.format(withCost)} of ${count.format(products)} products that can be offered; the ${assumed} applies to the others.`;
}
