import { describe, expect, it } from "vitest";
import { experimentPlan } from "./experiments";
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
