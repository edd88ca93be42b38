import { describe, expect, it } from "vitest";
import { costCoverageText } from "./cost-coverage";

describe("costCoverageText", () => {
  it("counts the products with a cost and says the assumed percentage covers the rest", () => {
    expect(costCoverageText({ products: 980, withCost: 412, assumedCostPercent: 50 })).toBe(
      "Shopify has a cost for 412 of 980 products that can be offered; the assumed 50% applies to the others.",
    );
    expect(costCoverageText({ products: 1_200, withCost: 0, assumedCostPercent: 37.5 })).toBe(
      "Shopify has no cost for any of the 1,200 products that can be offered; the assumed 37.5% applies to all of them.",
    );
    expect(costCoverageText({ products: 3, withCost: 3, assumedCostPercent: 50 })).toBe(
      "Shopify has a cost for all 3 products that can be offered; the assumed 50% applies to none of them.",
    );
  });

  it("names no percentage while the field holds none", () => {
    expect(costCoverageText({ products: 0, withCost: 0, assumedCostPercent: null })).toBe(
      "No products can be offered yet: checkout offers products synced from Shopify with a variant for sale, not those known only from an order file. The assumed cost applies where Shopify has no cost.",
    );
  });
});
