import { describe, expect, it } from "vitest";
import { ignoredPairs, ignoredThreshold, MIN_IGNORED_IMPRESSIONS } from "./ignored-pairs";

describe("ignored pairs", () => {
  it("needs the unanswered impressions that chance explains once in a thousand at the shop's rate", () => {
    // 0.97^227 = 0.00099 < 0.001 <= 0.97^226 = 0.00102
    expect(ignoredThreshold(0.03)).toBe(227);
    // 0.9^66 = 0.00096 < 0.001 <= 0.9^65 = 0.00107; below the floor, the floor
    expect(ignoredThreshold(0.1)).toBe(MIN_IGNORED_IMPRESSIONS);
    expect(ignoredThreshold(0.005)).toBe(1379);
    expect(ignoredThreshold(0)).toBeNull();
    expect(ignoredThreshold(1)).toBeNull();
  });

  it("lists the pairs never engaged with over that many impressions, most shown first", () => {
    const pairs = [
      { cartProductId: "a", offerProductId: "x", impressions: 226, engagements: 0 },
      { cartProductId: "a", offerProductId: "y", impressions: 227, engagements: 0 },
      { cartProductId: "b", offerProductId: "x", impressions: 900, engagements: 1 },
      { cartProductId: "b", offerProductId: "y", impressions: 500, engagements: 0 },
    ];
    const shop = { impressions: 10_000, engagements: 300 };
    expect(ignoredPairs(pairs, shop).map((p) => `${p.cartProductId}-${p.offerProductId}`)).toEqual([
      "b-y",
      "a-y",
    ]);
    // A shop whose shoppers never engage tells nothing about any pair.
    expect(ignoredPairs(pairs, { impressions: 10_000, engagements: 0 })).toEqual([]);
  });
});
