import { describe, expect, it } from "vitest";
import { discountedPrice, marketOffers, marketQuery, parseMarketVariants } from "./market";
import type { AppOffer } from "./offers";

const mug: AppOffer = {
  offerId: "o1.mug",
  productId: "gid://shopify/Product/7",
  variantId: "gid://shopify/ProductVariant/70",
  title: "Ceramic mug",
  imageUrl: null,
  reason: "",
  reasonKind: "popular",
  discount: null,
};

function node(overrides: Record<string, unknown> = {}) {
  return {
    id: "gid://shopify/ProductVariant/70",
    availableForSale: true,
    price: { amount: "13.9", currencyCode: "EUR" },
    compareAtPrice: null,
    product: { title: "Tasse en céramique" },
    ...overrides,
  };
}

const shown = (offers: AppOffer[], nodes: unknown[]) => marketOffers(offers, parseMarketVariants({ nodes }));

describe("marketQuery", () => {
  it("asks in the buyer's country and language", () => {
    const { query, variables } = marketQuery({ country: "fr", language: "fr-CA" });
    expect(query).toMatch(/@inContext\(country: \$country, language: \$language\)/);
    expect(query).toMatch(/\$country: CountryCode, \$language: LanguageCode/);
    expect(variables).toEqual({ country: "FR", language: "FR" });
  });

  it("keeps the regions Storefront's languages have, and drops what it cannot send", () => {
    expect(marketQuery({ country: "BR", language: "pt-BR" }).variables).toEqual({
      country: "BR",
      language: "PT_BR",
    });
    expect(marketQuery({ country: "PH", language: "fil" }).variables).toEqual({
      country: "PH",
      language: "FIL",
    });
    // A language outside Storefront's enum would fail the query: titles come in the default language.
    expect(marketQuery({ country: "US", language: "tlh" }).variables).toEqual({ country: "US" });
    expect(marketQuery({ country: "US", language: "xx" }).variables).toEqual({ country: "US" });
    // Without a country checkout does not know yet, Shopify answers for the shop's primary market.
    const unknown = marketQuery({ country: undefined, language: "klingon" });
    expect(unknown.variables).toEqual({});
    expect(unknown.query).not.toMatch(/@inContext|\$country|\$language/);
  });
});

describe("marketOffers", () => {
  it("prices and titles an offer as Shopify answered for the buyer's market", () => {
    expect(shown([mug], [node({ compareAtPrice: { amount: "16.00", currencyCode: "EUR" } })])).toEqual([
      {
        ...mug,
        title: "Tasse en céramique",
        price: { amount: 13.9, currencyCode: "EUR" },
        compareAtPrice: { amount: 16, currencyCode: "EUR" },
        discount: null,
      },
    ]);
  });

  it("applies the discount's percent to the market's price", () => {
    const [offer] = shown([{ ...mug, discount: { percent: 10 } }], [node()]);
    expect(offer?.discount).toEqual({ percent: 10, price: { amount: 12.51, currencyCode: "EUR" } });
  });

  it("drops offers Shopify does not sell in the buyer's market", () => {
    const second = { ...mug, offerId: "o1.pot", variantId: "gid://shopify/ProductVariant/80" };
    const third = { ...mug, offerId: "o1.cup", variantId: "gid://shopify/ProductVariant/90" };
    const offers = shown(
      [mug, second, third],
      [
        node({ availableForSale: false }),
        // Not published in this market: the node is null.
        null,
        node({ id: third.variantId }),
      ],
    );
    expect(offers.map((offer) => offer.offerId)).toEqual(["o1.cup"]);
  });

  it.each([
    ["a price that is not an amount", { price: { amount: "free", currencyCode: "EUR" } }],
    ["a negative price", { price: { amount: "-1.00", currencyCode: "EUR" } }],
    ["a currency that is not ISO 4217", { price: { amount: "13.90", currencyCode: "euro" } }],
    ["no price", { price: null }],
  ])("drops an offer with %s", (_, overrides) => {
    expect(shown([mug], [node(overrides)])).toEqual([]);
  });

  it("keeps the app's title when Shopify has none, and strikes through only a higher compare-at price", () => {
    const [offer] = shown(
      [mug],
      [node({ product: { title: " " }, compareAtPrice: { amount: "13.90", currencyCode: "EUR" } })],
    );
    expect(offer?.title).toBe("Ceramic mug");
    expect(offer?.compareAtPrice).toBeNull();
  });

  it("shows nothing for an answer without nodes", () => {
    expect(marketOffers([mug], parseMarketVariants(undefined))).toEqual([]);
    expect(marketOffers([mug], parseMarketVariants({ nodes: "x" }))).toEqual([]);
  });
});

describe("discountedPrice", () => {
  it("rounds the discount to the currency's smallest unit", () => {
    expect(discountedPrice({ amount: 12.5, currencyCode: "USD" }, 10)).toEqual({
      amount: 11.25,
      currencyCode: "USD",
    });
    // Yen have no minor unit: 15% of ¥1,990 is ¥298.5, rounded to ¥299.
    expect(discountedPrice({ amount: 1990, currencyCode: "JPY" }, 15)).toEqual({
      amount: 1691,
      currencyCode: "JPY",
    });
  });
});
