import { describe, expect, it } from "vitest";
import {
  type CustomerSummary,
  classifyShopper,
  describeSegments,
  MIN_REPEAT_GAPS,
  MIN_VIP_CUSTOMERS,
  type SegmentEvidence,
  type SegmentRules,
  segmentRules,
} from "./segments";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const at = new Date("2025-06-01T00:00:00Z");

function evidence({
  count = 200,
  p75 = 40.2,
  p95 = 120.2,
  customers = 150,
  vipSpend = 412,
}: {
  count?: number;
  p75?: number | null;
  p95?: number | null;
  customers?: number;
  vipSpend?: number | null;
} = {}): SegmentEvidence {
  return { repeatGaps: { count, p75, p95 }, customers, vipSpend };
}

function customer({
  orders = 3,
  spendLastYear = 100,
  lastOrderMsAgo = 10 * DAY_MS,
}: {
  orders?: number;
  spendLastYear?: number;
  lastOrderMsAgo?: number | null;
} = {}): CustomerSummary {
  const lastOrderAt = lastOrderMsAgo === null ? null : new Date(at.getTime() - lastOrderMsAgo);
  return { orders, spendLastYear, lastOrderAt };
}

// A shop whose customers come back within about six weeks, with a VIP spend of $412.
const rules: SegmentRules = { lapsingDays: 41, lapsedDays: 121, vipSpend: 412, fromShop: true };

describe("segment rules", () => {
  it("uses 90 and 180 days until the shop has enough repeat orders", () => {
    expect(segmentRules(evidence({ count: MIN_REPEAT_GAPS - 1, p75: 20, p95: 50 }))).toEqual({
      lapsingDays: 90,
      lapsedDays: 180,
      vipSpend: 412,
      fromShop: false,
    });
    expect(segmentRules(evidence({ p75: null, p95: null }))).toMatchObject({
      lapsingDays: 90,
      lapsedDays: 180,
      fromShop: false,
    });
  });

  it("takes lapsing from the shop's 75th percentile gap and lapsed from its 95th, rounded up", () => {
    expect(segmentRules(evidence({ count: MIN_REPEAT_GAPS, p75: 40.2, p95: 120.2 }))).toEqual({
      lapsingDays: 41,
      lapsedDays: 121,
      vipSpend: 412,
      fromShop: true,
    });
  });

  it("puts lapsed at least twice as far out as lapsing", () => {
    expect(segmentRules(evidence({ p75: 20.1, p95: 30 }))).toMatchObject({ lapsingDays: 21, lapsedDays: 42 });
  });

  it("bounds lapsing to 14..365 days and lapsed to 730 days", () => {
    expect(segmentRules(evidence({ p75: 5, p95: 10 }))).toMatchObject({ lapsingDays: 14, lapsedDays: 28 });
    expect(segmentRules(evidence({ p75: 500, p95: 600 }))).toMatchObject({
      lapsingDays: 365,
      lapsedDays: 730,
    });
    expect(segmentRules(evidence({ p75: 200, p95: 900 }))).toMatchObject({
      lapsingDays: 200,
      lapsedDays: 730,
    });
  });

  it("has no VIP spend until the shop has enough customers in a year", () => {
    expect(segmentRules(evidence({ customers: MIN_VIP_CUSTOMERS - 1 })).vipSpend).toBeNull();
    expect(segmentRules(evidence({ customers: MIN_VIP_CUSTOMERS })).vipSpend).toBe(412);
    expect(segmentRules(evidence({ customers: 500, vipSpend: null })).vipSpend).toBeNull();
  });

  it("gives shops with different order rhythms different thresholds", () => {
    const furniture = segmentRules(evidence({ p75: 120, p95: 300 }));
    const coffee = segmentRules(evidence({ p75: 20, p95: 45 }));
    expect(furniture).toMatchObject({ lapsingDays: 120, lapsedDays: 300 });
    expect(coffee).toMatchObject({ lapsingDays: 20, lapsedDays: 45 });

    const twoMonthsAgo = customer({ lastOrderMsAgo: 60 * DAY_MS });
    expect(classifyShopper(twoMonthsAgo, furniture, at)).toBe("returning");
    expect(classifyShopper(twoMonthsAgo, coffee, at)).toBe("lapsed");
  });
});

describe("classifying a shopper", () => {
  it("calls a shopper who is not logged in a guest", () => {
    expect(classifyShopper(null, rules, at)).toBe("guest");
  });

  it("calls a logged-in shopper with no order a first order", () => {
    expect(classifyShopper(customer({ orders: 0, spendLastYear: 0, lastOrderMsAgo: null }), rules, at)).toBe(
      "first-order",
    );
  });

  it("starts lapsing only after the lapsing days have passed", () => {
    expect(classifyShopper(customer({ lastOrderMsAgo: 41 * DAY_MS }), rules, at)).toBe("returning");
    expect(classifyShopper(customer({ lastOrderMsAgo: 41 * DAY_MS + HOUR_MS }), rules, at)).toBe("lapsing");
  });

  it("is lapsed only after the lapsed days have passed", () => {
    expect(classifyShopper(customer({ lastOrderMsAgo: 121 * DAY_MS }), rules, at)).toBe("lapsing");
    expect(classifyShopper(customer({ lastOrderMsAgo: 121 * DAY_MS + HOUR_MS }), rules, at)).toBe("lapsed");
  });

  it("calls a recent shopper who spent the VIP spend or more a VIP", () => {
    expect(classifyShopper(customer({ spendLastYear: 412 }), rules, at)).toBe("vip");
    expect(classifyShopper(customer({ spendLastYear: 411.99 }), rules, at)).toBe("returning");
  });

  it("does not call a big spender a VIP once they lapse", () => {
    expect(classifyShopper(customer({ spendLastYear: 5000, lastOrderMsAgo: 50 * DAY_MS }), rules, at)).toBe(
      "lapsing",
    );
    expect(classifyShopper(customer({ spendLastYear: 5000, lastOrderMsAgo: 200 * DAY_MS }), rules, at)).toBe(
      "lapsed",
    );
  });

  it("calls nobody a VIP in a shop without a VIP spend", () => {
    expect(classifyShopper(customer({ spendLastYear: 100_000 }), { ...rules, vipSpend: null }, at)).toBe(
      "returning",
    );
  });
});

describe("segment descriptions", () => {
  it("tells the merchant the shop's own days and VIP spend in its currency", () => {
    const text = describeSegments(rules, "USD");
    expect(text.returning).toBe("Ordered in the last 41 days, below the VIP spend.");
    expect(text.vip).toBe(
      "Top 10% by spend over the last year ($412.00 or more), ordered in the last 41 days.",
    );
    expect(text.lapsing).toBe(
      "Last order 42 to 121 days ago (3 in 4 of this shop's repeat orders come within 41 days).",
    );
    expect(text.lapsed).toBe("Last order more than 121 days ago.");
  });

  it("formats the VIP spend in the shop's currency, or as a bare amount without one", () => {
    expect(describeSegments({ ...rules, vipSpend: 1234.5 }, "EUR").vip).toContain("(€1,234.50 or more)");
    expect(describeSegments(rules, null).vip).toContain("(412.00 or more)");
  });

  it("says when the days are defaults and when there are no VIPs yet", () => {
    const text = describeSegments(segmentRules(evidence({ count: 3, customers: 5 })), "USD");
    expect(text.lapsing).toBe(
      "Last order 91 to 180 days ago (defaults until the shop has 30 repeat orders).",
    );
    expect(text.lapsed).toBe("Last order more than 180 days ago.");
    expect(text.returning).toBe("Ordered in the last 90 days.");
    expect(text.vip).toBe(
      "None yet: VIPs are the top 10% by spend once the shop has 20 customers in a year.",
    );
  });
});
