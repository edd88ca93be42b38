import { describe, expect, it } from "vitest";
import { segmentTreatment } from "./segment-treatment";
import { readShopSettings } from "./shop-settings";

const settings = readShopSettings({
  maxOffers: 4,
  discounts: { enabled: true, maxPercent: 20 },
  segments: {
    lapsed: { offers: false },
    returning: { maxOffers: 1 },
    lapsing: {
      maxDiscountPercent: 10,
      messages: { fr: "Bon retour parmi nous !", en: " Welcome back! ", de: "   " },
    },
    vip: { maxDiscountPercent: 40 },
  },
});

describe("segment treatment", () => {
  it("serves a segment the merchant left alone as the shop's settings say", () => {
    expect(segmentTreatment(settings, "guest", "en-US")).toEqual({
      offers: true,
      maxOffers: 4,
      maxDiscountPercent: 20,
      message: null,
    });
  });

  it("shows no offers to a segment the merchant turned them off for", () => {
    expect(segmentTreatment(settings, "lapsed", "en").offers).toBe(false);
  });

  it("shows a segment its own number of offers", () => {
    expect(segmentTreatment(settings, "returning", "en").maxOffers).toBe(1);
    expect(segmentTreatment(settings, "lapsing", "en").maxOffers).toBe(4);
  });

  it("lets a segment lower the shop's largest discount but never raise it", () => {
    expect(segmentTreatment(settings, "lapsing", "en").maxDiscountPercent).toBe(10);
    expect(segmentTreatment(settings, "vip", "en").maxDiscountPercent).toBe(20);
    expect(segmentTreatment(settings, "returning", "en").maxDiscountPercent).toBe(20);
  });

  it("greets the shopper in their own language", () => {
    expect(segmentTreatment(settings, "lapsing", "fr-CA").message).toBe("Bon retour parmi nous !");
    expect(segmentTreatment(settings, "lapsing", "en-GB").message).toBe("Welcome back!");
  });

  it("shows no message in a language the merchant wrote none for", () => {
    expect(segmentTreatment(settings, "lapsing", "es-MX").message).toBeNull();
    expect(segmentTreatment(settings, "lapsing", null).message).toBeNull();
    expect(segmentTreatment(settings, "lapsing", undefined).message).toBeNull();
  });

  it("treats a blank message as none", () => {
    expect(segmentTreatment(settings, "lapsing", "de-DE").message).toBeNull();
  });
});
