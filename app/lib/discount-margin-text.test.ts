import { describe, expect, it } from "vitest";
import {
  discountMarginCounts,
  discountMarginSentence,
  type MarginComparison,
  marginCostNote,
} from "./discount-margin-text";

const money = (value: number) => `$${value.toFixed(2)}`;
const MARGIN: MarginComparison = {
  discounted: { shoppers: 1_080, purchases: 53, margin: 1_234 },
  noDiscount: { shoppers: 120, purchases: 6, margin: 98 },
  added: { difference: 0.42, interval: [-0.1, 0.95] },
  minimumShoppers: 30,
  costKnown: 20,
  assumedCostPercent: 50,
};

describe("the discount margin's wording", () => {
  it("says what discounts added per shopper, with the interval and the slice behind it", () => {
    expect(discountMarginSentence(MARGIN, money)).toBe(
      "Margin per shopper that discounts added: +$0.42 (95% interval −$0.10 to +$0.95), against 120 shoppers offered no discount.",
    );
    const lost = { ...MARGIN, added: { difference: -0.3, interval: [-0.8, 0.2] as [number, number] } };
    expect(discountMarginSentence(lost, money)).toBe(
      "Margin per shopper that discounts added: −$0.30 (95% interval −$0.80 to +$0.20), against 120 shoppers offered no discount.",
    );
  });

  it("says too few shoppers until both sides have the minimum", () => {
    const few = { ...MARGIN, noDiscount: { shoppers: 12, purchases: 0, margin: 0 }, added: null };
    expect(discountMarginSentence(few, money)).toBe(
      "Too few shoppers to tell what discounts add yet: 12 offered no discount and 1,080 offered discounts, of 30 needed on each side.",
    );
  });

  it("gives the counts behind it, and how much of the cost was assumed", () => {
    expect(discountMarginCounts(MARGIN, money)).toBe(
      "Offered discounts: 1,080 shoppers, 53 offer purchases, $1234.00 margin. Offered none: 120 shoppers, 6 offer purchases, $98.00 margin.",
    );
    expect(marginCostNote([MARGIN])).toContain(
      "your cost per unit where Shopify has it (20 of 59 purchases), else an assumed 50% of the price",
    );
    expect(marginCostNote([MARGIN, { ...MARGIN, costKnown: 59 }])).toContain("(79 of 118 purchases)");
    expect(marginCostNote([{ ...MARGIN, costKnown: 59 }])).toContain(
      "less our discount and your cost per unit.",
    );
  });
});
