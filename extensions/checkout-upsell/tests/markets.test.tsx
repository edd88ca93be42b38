// @vitest-environment jsdom
/// <reference types="@shopify/ui-extensions/purchase.checkout.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { createCartLine } from "@shopify/ui-extensions-tester/checkout";
import { fireEvent, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MARKET_TIMEOUT_MS } from "../src/lib/api";
import {
  buyerI18n,
  DISCOUNTED_OFFERS,
  type FakeStorefrontOptions,
  FR_VARIANTS,
  fakeApp,
  fakeStorefront,
  liveSignal,
  OFFERS,
  renderWithApp,
  text,
  unmount,
} from "./helpers";

const extension = getExtension("purchase.checkout.block.render");

beforeEach(() => {
  extension.setUp();
  extension.shopify.lines.value = [createCartLine()];
  extension.shopify.settings.value = { heading: undefined, offer_count: undefined };
});

afterEach(() => {
  unmount();
  extension.tearDown();
  vi.useRealTimers();
});

/** A buyer checking out in France: euros, French, the French market's prices. */
function frenchBuyer(storefront: FakeStorefrontOptions = {}) {
  const { localization } = extension.shopify;
  localization.currency.value = { isoCode: "EUR" };
  localization.country.value = { isoCode: "FR" };
  localization.language.value = { isoCode: "fr" };
  extension.shopify.i18n = buyerI18n("fr") as unknown as typeof extension.shopify.i18n;
  return useStorefront({ variants: FR_VARIANTS, ...storefront });
}

function useStorefront(options: FakeStorefrontOptions = {}) {
  const storefront = fakeStorefront(options);
  extension.shopify.query = storefront.query as typeof extension.shopify.query;
  return storefront;
}

/** The app answers in the buyer's language, as it does for the request's locale. */
const FRENCH_OFFERS = DISCOUNTED_OFFERS.map((offer) => ({
  ...offer,
  reason: offer.reason && `Souvent acheté avec Café en grains`,
}));

/** Each offer card as the buyer reads it: the texts of its elements, in order, between bars. */
const cards = () =>
  [...document.body.querySelectorAll("s-grid")].map((card) =>
    [...card.querySelectorAll("*")]
      .filter((element) => element.childElementCount === 0 && text(element))
      .map(text)
      .join(" | "),
  );
const buttons = () => [...document.body.querySelectorAll("s-button")];

const renderCards = (app = fakeApp()) => renderWithApp(extension, app);

describe("offers in the buyer's market", () => {
  it("shows a euro buyer in France the prices and French titles Shopify returns, the discount on the euro price", async () => {
    const storefront = frenchBuyer();
    const app = await renderCards(fakeApp({ offers: { offers: FRENCH_OFFERS, modelVersion: 3 } }));

    expect(text(document.body.querySelector("s-heading"))).toBe("Vous aimerez peut-être aussi");
    expect(cards()).toEqual([
      "Tasse en céramique | 13,90 € | 12,51 € | 10 % de réduction | Souvent acheté avec Café en grains | Ajouter",
      "Filtres en papier | 4,50 € | Populaire en ce moment | Ajouter",
    ]);
    // One query for every offer, in the buyer's country and language; the app is asked in French,
    // with no currency: it decides the discount as a percent, Shopify prices it.
    expect(storefront.calls).toHaveLength(1);
    expect(storefront.calls[0]!.query).toMatch(/@inContext\(country: \$country, language: \$language\)/);
    expect(storefront.calls[0]!.variables).toEqual({
      ids: OFFERS.map((offer) => offer.variantId),
      country: "FR",
      language: "FR",
    });
    expect(app.offerRequests()[0]!.body).toEqual(expect.objectContaining({ locale: "fr" }));
    expect(app.offerRequests()[0]!.body).not.toHaveProperty("currency");
  });

  it("shows a dollar buyer in the United States the same offer in dollars and English", async () => {
    extension.shopify.i18n = buyerI18n("en") as unknown as typeof extension.shopify.i18n;
    const storefront = useStorefront();
    await renderCards(fakeApp({ offers: { offers: DISCOUNTED_OFFERS, modelVersion: 3 } }));

    expect(cards()).toEqual([
      "Ceramic mug | $12.50 | $11.25 | 10% off | Often bought with Coffee beans | Add",
      "Paper filters | $4.00 | Popular right now | Add",
    ]);
    expect(storefront.calls[0]!.variables).toEqual(
      expect.objectContaining({ country: "US", language: "EN" }),
    );
  });

  it("strikes through the market's compare-at price when there is no discount", async () => {
    frenchBuyer();
    await renderCards();
    expect(cards()[0]).toBe(
      "Tasse en céramique | 16,50 € | 13,90 € | Often bought with Coffee beans | Ajouter",
    );
  });

  it("drops offers the buyer cannot buy in their market and shows the next ones", async () => {
    frenchBuyer({
      variants: [
        { ...FR_VARIANTS[0]!, availableForSale: false },
        // Not published in the French market: Shopify answers null for it.
        { id: FR_VARIANTS[1]!.id, hidden: true },
        FR_VARIANTS[2]!,
      ],
    });
    await renderCards();
    expect(cards()).toEqual(["Moulin à main | 42,00 € | Popular right now | Ajouter"]);
  });

  it("adds the variant the buyer saw, the discount left to Shopify's function on the line", async () => {
    frenchBuyer();
    const added = vi.fn(async () => ({ type: "success" as const }));
    extension.shopify.applyCartLinesChange =
      added as unknown as typeof extension.shopify.applyCartLinesChange;
    await renderCards(fakeApp({ offers: { offers: FRENCH_OFFERS, modelVersion: 3 } }));
    fireEvent.click(buttons()[0]!);
    await waitFor(() => expect(added).toHaveBeenCalledTimes(1));
    expect(added).toHaveBeenCalledWith({
      type: "addCartLine",
      merchandiseId: "gid://shopify/ProductVariant/70",
      quantity: 1,
      attributes: [{ key: "_upsell_offer", value: "o1.mug" }],
    });
  });

  it("shows nothing while Shopify prices in another currency than the checkout's", async () => {
    // The buyer pays in euros but their country is not known yet: Shopify answers for the shop's
    // primary market, in dollars.
    const { localization } = extension.shopify;
    localization.currency.value = { isoCode: "EUR" };
    localization.country.value = undefined;
    const storefront = useStorefront();
    const app = fakeApp();
    extension.fetch = app.fetch;
    await extension.render();
    await waitFor(() => expect(storefront.calls).toHaveLength(1));
    expect(storefront.calls[0]!.query).not.toMatch(/country/);
    await waitFor(() => expect(document.body.innerHTML).toBe(""));
  });

  it("prices the offers again when the buyer's market changes", async () => {
    const { localization } = extension.shopify;
    localization.country = liveSignal<{ isoCode: "US" | "FR" } | undefined>({ isoCode: "US" });
    localization.currency = liveSignal({ isoCode: "USD" });
    useStorefront();
    const app = await renderCards();
    expect(cards()[0]).toContain("12.5");

    // The buyer enters a French shipping address: checkout moves to the French market, in euros.
    const french = useStorefront({ variants: FR_VARIANTS, delayMs: 50 });
    localization.country.value = { isoCode: "FR" };
    localization.currency.value = { isoCode: "EUR" };
    // Until Shopify answers for the new market, no price of the old one is left on screen.
    await waitFor(() => expect(document.body.querySelectorAll("s-skeleton-paragraph")).toHaveLength(2));
    expect(text(document.body)).not.toContain("12.5");
    await waitFor(() => expect(cards()[0]).toContain("Tasse en céramique"));
    expect(cards()[0]).toContain("13.9");
    expect(french.calls).toHaveLength(1);
    expect(french.calls[0]!.variables).toMatchObject({ country: "FR" });
    // The app is not asked again, and the mug's impression is not counted twice.
    expect(app.offerRequests()).toHaveLength(1);
    unmount();
    await waitFor(() => expect(app.eventBatches()).toHaveLength(1));
    expect(app.eventBatches()[0]!.map(({ type, offerId }) => [type, offerId])).toEqual([
      ["impression", "o1.mug"],
      ["impression", "o1.filter"],
    ]);
  });

  it.each([
    ["the query fails", { fail: true }],
    ["Shopify answers with errors", { errors: [{ message: "Internal error" }] }],
    ["no offered variant is sold in the market", { variants: [] }],
  ])("renders nothing, and counts no impression, when %s", async (_, storefront) => {
    frenchBuyer(storefront);
    const app = fakeApp();
    extension.fetch = app.fetch;
    await extension.render();
    await waitFor(() => expect(document.body.innerHTML).toBe(""));
    unmount();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(app.eventRequests()).toEqual([]);
  });

  it("gives up and renders nothing when Shopify is slower than the deadline", async () => {
    vi.useFakeTimers();
    const storefront = frenchBuyer({ delayMs: MARKET_TIMEOUT_MS + 500 });
    extension.fetch = fakeApp().fetch;
    await extension.render();
    while (storefront.calls.length === 0) await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(storefront.calls[0]!.at + MARKET_TIMEOUT_MS - 1 - Date.now());
    expect(document.body.querySelectorAll("s-skeleton-paragraph")).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(1);
    expect(document.body.innerHTML).toBe("");
    // The late answer changes nothing.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(document.body.innerHTML).toBe("");
  });
});
