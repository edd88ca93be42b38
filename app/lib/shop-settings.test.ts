import { describe, expect, it } from "vitest";
import { readShopSettings } from "./shop-settings";

describe("readShopSettings", () => {
  it("fills defaults and keeps valid stored fields when others are invalid", () => {
    expect(readShopSettings({ maxOffers: 5, enabled: "yes" })).toEqual({
      enabled: true,
      maxOffers: 5,
      excludedProductIds: [],
      retrainAfterOrders: 500,
    });
    expect(readShopSettings(null).maxOffers).toBe(3);
  });
});
