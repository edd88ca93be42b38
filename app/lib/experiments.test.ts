import { describe, expect, it } from "vitest";
import { assignVariant } from "~ml";
import { experimentPlan, inNoDiscountSlice, NO_DISCOUNT_SHARE } from "./experiments";
import { ExperimentSettingsSchema } from "./shop-settings";

const settings = (value: unknown) => ExperimentSettingsSchema.parse(value);

describe("experimentPlan", () => {
  it("serves the default variant, model ranking with discounts, when the shop set none", () => {
    const plan = experimentPlan(settings({}));
    expect(plan).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{4}$/),
      holdoutPercent: 10,
      variants: [{ key: "default", index: 0, share: 100, ranking: "model", discounts: true }],
    });
  });

  it("numbers the variants with a share, and names each configuration apart", () => {
    const variants = [
      { key: "model", share: 50, ranking: "model", discounts: true },
      { key: "paused", share: 0, ranking: "model", discounts: false },
      { key: "popular-no-discount", share: 50, ranking: "popularity", discounts: false },
    ];
    const plan = experimentPlan(settings({ holdoutPercent: 20, variants }));
    expect(plan.variants.map((v) => [v.key, v.index])).toEqual([
      ["model", 0],
      ["popular-no-discount", 1],
    ]);
    expect(experimentPlan(settings({ holdoutPercent: 20, variants })).id).toBe(plan.id);
    expect(experimentPlan(settings({ holdoutPercent: 15, variants })).id).not.toBe(plan.id);
    const reweighted = variants.map((v) => (v.key === "model" ? { ...v, share: 60 } : v));
    expect(experimentPlan(settings({ holdoutPercent: 20, variants: reweighted })).id).not.toBe(plan.id);
  });
});

describe("inNoDiscountSlice", () => {
  const DISCOUNTS = { discounts: true };
  const units = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);
  const inSlice = (unitKey: string, experimentId = "ab12") =>
    inNoDiscountSlice({ experimentId, variant: DISCOUNTS, unitKey });

  it("puts the same unit in or out of the slice every time", () => {
    for (const unitKey of units.slice(0, 200)) expect(inSlice(unitKey)).toBe(inSlice(unitKey));
  });

  it("takes about a tenth of the units, and another tenth in another experiment", () => {
    const sliced = units.filter((unitKey) => inSlice(unitKey));
    // 20,000 units: the binomial's standard deviation is 0.0021, so ±0.01 is over four of them.
    expect(Math.abs(sliced.length / units.length - NO_DISCOUNT_SHARE)).toBeLessThan(0.01);
    const elsewhere = new Set(units.filter((unitKey) => inSlice(unitKey, "cd34")));
    const both = sliced.filter((unitKey) => elsewhere.has(unitKey)).length;
    expect(Math.abs(both / units.length - NO_DISCOUNT_SHARE ** 2)).toBeLessThan(0.005);
  });

  it("cuts every arm and the holdout alike, whatever their sizes", () => {
    const variants = [
      { id: "small", weight: 20 },
      { id: "large", weight: 80 },
    ];
    const byArm = new Map<string, { units: number; sliced: number }>();
    for (const unitKey of units) {
      // The same id on both sides: a slice cut from the arm's own hash would fall in the holdout.
      const { arm } = assignVariant({ experimentId: "ab12", unitKey, variants, holdoutShare: 0.3 });
      const tally = byArm.get(arm) ?? { units: 0, sliced: 0 };
      tally.units += 1;
      if (inSlice(unitKey)) tally.sliced += 1;
      byArm.set(arm, tally);
    }
    expect([...byArm.keys()].sort()).toEqual(["holdout", "large", "small"]);
    for (const { units: n, sliced } of byArm.values()) {
      // Four standard deviations of a binomial share of n units.
      const tolerance = 4 * Math.sqrt((NO_DISCOUNT_SHARE * (1 - NO_DISCOUNT_SHARE)) / n);
      expect(Math.abs(sliced / n - NO_DISCOUNT_SHARE)).toBeLessThan(tolerance);
    }
  });

  it("has no slice in an arm without discounts", () => {
    const sliced = units.filter((unitKey) => inSlice(unitKey));
    expect(sliced.length).toBeGreaterThan(0);
    for (const unitKey of sliced.slice(0, 50)) {
      expect(inNoDiscountSlice({ experimentId: "ab12", variant: { discounts: false }, unitKey })).toBe(false);
      expect(inNoDiscountSlice({ experimentId: "ab12", variant: null, unitKey })).toBe(false);
    }
  });
});
