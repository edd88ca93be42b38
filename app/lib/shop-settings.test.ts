import { describe, expect, it } from "vitest";
import { readShopSettings, ShopSettingsSchema } from "./shop-settings";

describe("readShopSettings", () => {
  it("fills defaults and keeps valid stored fields when others are invalid", () => {
    expect(readShopSettings({ maxOffers: 5, enabled: "yes" })).toEqual({
      ...ShopSettingsSchema.parse({}),
      enabled: true,
      maxOffers: 5,
    });
    expect(readShopSettings(null).maxOffers).toBe(3);
  });

  it("reads settings stored before surfaces, headings, discounts and experiments existed", () => {
    const settings = readShopSettings({ enabled: false, maxOffers: 2, excludedProductIds: ["7"] });
    expect(settings.enabled).toBe(false);
    expect(settings.surfaces).toEqual(["checkout", "cart-line-list", "thank-you", "storefront"]);
    expect(settings.headings).toEqual({});
    expect(settings.discounts).toEqual({
      enabled: false,
      maxPercent: 15,
      marginFloorPercent: 20,
      assumedCostPercent: 50,
      defaultPercent: 0,
      monthlyBudget: 0,
      excludedProductIds: [],
      excludedCollectionIds: [],
      combinesWithOrderDiscounts: false,
    });
    expect(settings.experiment).toEqual({ holdoutPercent: 10, variants: [] });
  });

  it("falls back field by field inside nested objects", () => {
    const settings = readShopSettings({
      maxOffers: 4,
      surfaces: ["checkout", "nowhere"],
      discounts: { enabled: true, maxPercent: 90, monthlyBudget: 250 },
      experiment: { holdoutPercent: 20, variants: [{ key: "Bad Key", share: 50 }] },
    });
    expect(settings.maxOffers).toBe(4);
    expect(settings.surfaces).toHaveLength(4);
    expect(settings.discounts).toMatchObject({ enabled: true, maxPercent: 15, monthlyBudget: 250 });
    expect(settings.experiment).toEqual({ holdoutPercent: 20, variants: [] });
  });

  it("falls back to defaults when a nested object is not an object", () => {
    expect(readShopSettings({ discounts: "off", experiment: [] }).discounts.maxPercent).toBe(15);
  });
});
