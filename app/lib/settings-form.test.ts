import { describe, expect, it } from "vitest";
import { SettingsFormSchema, settingsErrors, settingsFromForm } from "./settings-form";
import { ShopSettingsSchema } from "./shop-settings";

function form(fields: Array<[string, string]>): FormData {
  const data = new FormData();
  for (const [name, value] of fields) data.append(name, value);
  return data;
}

const valid: Array<[string, string]> = [
  ["enabled", "on"],
  ["maxOffers", "2"],
  ["surfaces.sent", "1"],
  ["surfaces", "checkout"],
  ["surfaces", "thank-you"],
  ["headingLanguages", "en"],
  ["headingLanguages", "fr"],
  ["headings.en", " You may also like "],
  ["headings.fr", ""],
  ["excludedProductIds", "gid://shopify/Product/12, 34\n34"],
  ["excludedCollectionIds", ""],
  ["excludedTags", "Clearance, gift card\nclearance"],
  ["retrainAfterOrders", "500"],
  ["discounts.enabled", "on"],
  ["discounts.maxPercent", "20"],
  ["discounts.marginFloorPercent", "25"],
  ["discounts.assumedCostPercent", "40"],
  ["discounts.defaultPercent", "5"],
  ["discounts.monthlyBudget", "300"],
  ["discounts.excludedProductIds", ""],
  ["discounts.excludedCollectionIds", "gid://shopify/Collection/77"],
  ["discounts.combinesWithOrderDiscounts", ""],
  ["experiment.holdoutPercent", "10"],
  ["experiment.variantCount", "2"],
  ["experiment.variants.0.key", "model"],
  ["experiment.variants.0.share", "50"],
  ["experiment.variants.0.ranking", "model"],
  ["experiment.variants.1.key", "popular"],
  ["experiment.variants.1.share", "50"],
  ["experiment.variants.1.ranking", "popularity"],
  ["experiment.variants.1.discounts", "on"],
];

const withField = (name: string, value: string) =>
  form([...valid.filter(([field]) => field !== name), [name, value]]);

describe("settingsFromForm", () => {
  it("reads every field into the settings the schema stores", () => {
    const settings = SettingsFormSchema.parse(settingsFromForm(form(valid)));
    expect(settings).toEqual({
      ...ShopSettingsSchema.parse({}),
      maxOffers: 2,
      surfaces: ["checkout", "thank-you"],
      headings: { en: "You may also like" },
      excludedProductIds: ["12", "34"],
      excludedTags: ["Clearance", "gift card", "clearance"],
      discounts: {
        enabled: true,
        maxPercent: 20,
        marginFloorPercent: 25,
        assumedCostPercent: 40,
        defaultPercent: 5,
        monthlyBudget: 300,
        excludedProductIds: [],
        excludedCollectionIds: ["77"],
        combinesWithOrderDiscounts: false,
      },
      experiment: {
        holdoutPercent: 10,
        variants: [
          { key: "model", share: 50, ranking: "model", discounts: false },
          { key: "popular", share: 50, ranking: "popularity", discounts: true },
        ],
      },
    });
  });

  it("treats an unchecked box as off", () => {
    expect(SettingsFormSchema.parse(settingsFromForm(withField("enabled", ""))).enabled).toBe(false);
  });

  it("leaves out the fields the form did not send, so stored values stay", () => {
    expect(settingsFromForm(form([["maxOffers", "1"]]))).toEqual({
      maxOffers: 1,
      discounts: {},
      experiment: {},
    });
    expect(settingsFromForm(form([["surfaces.sent", "1"]]))).toMatchObject({ surfaces: [] });
  });
});

describe("settingsErrors", () => {
  const errorsOf = (data: FormData) => {
    const parsed = SettingsFormSchema.safeParse(settingsFromForm(data));
    expect(parsed.success).toBe(false);
    return settingsErrors(parsed.error!);
  };

  it("names the field and says what is wrong, in the merchant's words", () => {
    expect(errorsOf(withField("maxOffers", ""))).toEqual({ maxOffers: "Enter a number" });
    expect(errorsOf(withField("maxOffers", "2.5"))).toEqual({ maxOffers: "Enter a whole number" });
    expect(errorsOf(withField("discounts.maxPercent", "60"))).toEqual({
      "discounts.maxPercent": "Must be at most 50",
    });
    expect(errorsOf(withField("discounts.excludedCollectionIds", "77, summer"))).toEqual({
      "discounts.excludedCollectionIds": "Use numeric ids, such as 8123456789",
    });
    expect(errorsOf(withField("headings.fr", "x".repeat(81)))).toEqual({
      "headings.fr": "At most 80 characters",
    });
  });

  it("checks rules between fields", () => {
    expect(errorsOf(withField("discounts.defaultPercent", "30"))).toEqual({
      "discounts.defaultPercent": "Must not be above the largest discount",
    });
    expect(errorsOf(withField("experiment.variants.1.share", "40"))).toEqual({
      "experiment.variants": "The variants' shares add up to 90; they must add up to 100",
    });
    expect(errorsOf(withField("experiment.variants.1.key", "model"))).toEqual({
      "experiment.variants.1.key": "Each variant needs its own name",
    });
    expect(errorsOf(withField("experiment.variants.1.key", "Popular!"))).toEqual({
      "experiment.variants.1.key": "Use lower-case letters, digits and dashes (at most 32)",
    });
  });
});

describe("a segment's fields", () => {
  const segmentForm = (fields: Array<[string, string]>) =>
    form([["segments.vip.sent", "1"], ["segments.vip.offers", "on"], ...fields]);

  it("reads the segment's treatment, empty limits as the shop's, and its messages by language", () => {
    const input = settingsFromForm(
      segmentForm([
        ["segments.vip.maxOffers", "4"],
        ["segments.vip.maxDiscountPercent", ""],
        ["segments.vip.messages.en", " Thank you "],
        ["segments.vip.messages.fr", ""],
      ]),
    );
    expect(input).toMatchObject({
      segments: {
        vip: { offers: true, maxOffers: 4, maxDiscountPercent: null, messages: { en: "Thank you" } },
      },
    });
    expect(SettingsFormSchema.safeParse(input).success).toBe(true);
    expect(
      settingsFromForm(
        form([
          ["segments.lapsed.sent", "1"],
          ["segments.lapsed.offers", ""],
        ]),
      ),
    ).toMatchObject({
      segments: { lapsed: { offers: false, maxOffers: null, maxDiscountPercent: null, messages: {} } },
    });
  });

  it("refuses what a segment cannot hold, by field", () => {
    const errorsOf = (fields: Array<[string, string]>) => {
      const parsed = SettingsFormSchema.safeParse(settingsFromForm(segmentForm(fields)));
      expect(parsed.success).toBe(false);
      return settingsErrors(parsed.error!);
    };
    expect(errorsOf([["segments.vip.maxOffers", "11"]])).toEqual({
      "segments.vip.maxOffers": "Must be at most 10",
    });
    expect(errorsOf([["segments.vip.maxOffers", "two"]])).toEqual({
      "segments.vip.maxOffers": "Enter a number",
    });
    expect(errorsOf([["segments.vip.maxDiscountPercent", "60"]])).toEqual({
      "segments.vip.maxDiscountPercent": "Must be at most 50",
    });
    expect(errorsOf([["segments.vip.messages.en", "x".repeat(121)]])).toEqual({
      "segments.vip.messages.en": "At most 120 characters",
    });
    expect(Object.keys(errorsOf([["segments.vip.messages.english", "Hello"]]))).toEqual([
      "segments.vip.messages.english",
    ]);
  });
});
