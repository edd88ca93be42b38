import { count } from "./format";

interface MarginSide {
  shoppers: number;
  purchases: number;
  margin: number;
}

/** What an arm's discounts add, as the experiment report gives it. */
export interface MarginComparison {
  discounted: MarginSide;
  noDiscount: MarginSide;
  added: { difference: number; interval: [number, number] } | null;
  minimumShoppers: number;
  costKnown: number;
  assumedCostPercent: number;
}

/**
 * The merchant's sentence for what an arm's discounts add to the margin per shopper, with the
 * interval and the shoppers behind it; "too few shoppers" until both sides have the minimum.
 */
export function discountMarginSentence(margin: MarginComparison, money: (value: number) => string): string {
  const { discounted, noDiscount, added, minimumShoppers } = margin;
  const signed = (value: number) => `${value < 0 ? "−" : "+"}${money(Math.abs(value))}`;
  if (!added) {
    return `Too few shoppers to tell what discounts add yet: ${count.format(noDiscount.shoppers)} offered no discount and ${count.format(discounted.shoppers)} offered discounts, of ${count.format(minimumShoppers)} needed on each side.`;
  }
  // One signed figure and its interval on the same scale: "cost 0.24 (−1.72 to 1.24)" read as a
  // cost between −1.72 and 1.24.
  return `Margin per shopper that discounts added: ${signed(added.difference)} (95% interval ${signed(added.interval[0])} to ${signed(added.interval[1])}), against ${count.format(noDiscount.shoppers)} shoppers offered no discount.`;
}

/** The counts behind the comparison: shoppers, offer purchases and their margin on each side. */
export function discountMarginCounts(margin: MarginComparison, money: (value: number) => string): string {
  const side = ({ shoppers, purchases, margin: total }: MarginSide) =>
    `${count.format(shoppers)} ${shoppers === 1 ? "shopper" : "shoppers"}, ${count.format(purchases)} offer ${purchases === 1 ? "purchase" : "purchases"}, ${money(total)} margin`;
  return `Offered discounts: ${side(margin.discounted)}. Offered none: ${side(margin.noDiscount)}.`;
}

/** How the margins were counted, and how much of them rests on the assumed cost. */
export function marginCostNote(margins: readonly MarginComparison[]): string {
  const purchases = margins.reduce((sum, m) => sum + m.discounted.purchases + m.noDiscount.purchases, 0);
  const costKnown = margins.reduce((sum, m) => sum + m.costKnown, 0);
  const assumed = margins[0]?.assumedCostPercent ?? 0;
  const cost =
    purchases === 0
      ? `your cost per unit where Shopify has it, else an assumed ${assumed}% of the price`
      : costKnown === purchases
        ? "your cost per unit"
        : `your cost per unit where Shopify has it (${count.format(costKnown)} of ${count.format(purchases)} purchases), else an assumed ${assumed}% of the price`;
  return `Margin is what the units kept after refunds brought, less our discount and ${cost}. Logged-in shoppers only: guests cannot be followed to their orders.`;
}
