// @vitest-environment jsdom
/// <reference types="@shopify/ui-extensions/purchase.thank-you.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { createCartLine } from "@shopify/ui-extensions-tester/checkout";
import { fireEvent, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, expect, it } from "vitest";
import { buyerI18n, FR_VARIANTS, fakeApp, fakeStorefront, text, unmount } from "./helpers";

const extension = getExtension("purchase.thank-you.block.render");

beforeEach(() => {
  extension.setUp();
  // Shopify's Storefront API answers for a buyer in the United States unless a test says otherwise.
  extension.shopify.query = fakeStorefront().query as typeof extension.shopify.query;
  extension.shopify.settings.value = { heading: undefined, offer_count: undefined };
  extension.shopify.lines.value = [createCartLine()];
});

afterEach(() => {
  unmount();
  extension.tearDown();
});

it("links each offer to a new cart on the storefront whose line carries the offer id", async () => {
  const app = fakeApp();
  extension.fetch = app.fetch;
  extension.shopify.shop.storefrontUrl = "https://coffee.example";
  await extension.render();
  await waitFor(() => expect(document.body.querySelectorAll("s-button")).toHaveLength(2));

  const [mug, filters] = [...document.body.querySelectorAll("s-button")];
  // The order cannot change any more. Shopify puts the link's `properties` (base64url JSON) on the
  // new order's line, where attribution reads `_upsell_offer` as for a line added in checkout.
  expect(mug!.getAttribute("href")).toBe(
    "https://coffee.example/cart/70:1?properties=eyJfdXBzZWxsX29mZmVyIjoibzEubXVnIn0",
  );
  expect(linePropertiesOf(filters!.getAttribute("href")!)).toEqual({ _upsell_offer: "o1.filter" });
  expect(text(mug)).toBe("buy");
  expect(app.offerRequests()[0]!.body).toMatchObject({
    cart: {
      lines: [
        { productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/1", quantity: 1 },
      ],
    },
    surface: "thank-you",
  });

  fireEvent.click(mug!);
  unmount();
  await waitFor(() => expect(app.eventBatches()).toHaveLength(1));
  expect(app.eventBatches()[0]!.map(({ type, offerId, surface }) => [type, offerId, surface])).toEqual([
    ["impression", "o1.mug", "thank-you"],
    ["impression", "o1.filter", "thank-you"],
    ["click", "o1.mug", "thank-you"],
  ]);
});

it("falls back to the shop's myshopify domain when it has no storefront URL", async () => {
  extension.fetch = fakeApp().fetch;
  extension.shopify.shop.storefrontUrl = undefined;
  await extension.render();
  await waitFor(() => expect(document.body.querySelectorAll("s-button")).toHaveLength(2));
  expect(document.body.querySelector("s-button")!.getAttribute("href")).toBe(
    "https://mock-shop.myshopify.com/cart/70:1?properties=eyJfdXBzZWxsX29mZmVyIjoibzEubXVnIn0",
  );
});

it("prices the offers in the buyer's market, as checkout does", async () => {
  extension.fetch = fakeApp().fetch;
  const storefront = fakeStorefront({ variants: FR_VARIANTS });
  extension.shopify.query = storefront.query as typeof extension.shopify.query;
  extension.shopify.localization.country.value = { isoCode: "FR" };
  extension.shopify.localization.currency.value = { isoCode: "EUR" };
  extension.shopify.localization.language.value = { isoCode: "fr" };
  extension.shopify.i18n = buyerI18n("fr") as unknown as typeof extension.shopify.i18n;
  await extension.render();
  await waitFor(() => expect(document.body.querySelectorAll("s-button")).toHaveLength(2));
  const [mug] = [...document.body.querySelectorAll("s-grid")];
  expect(text(mug!.querySelector("s-text[type=strong]"))).toBe("Tasse en céramique");
  expect(text(mug!.querySelector("s-text[type=redundant]"))).toBe("16,50 €");
  expect(text(mug)).toContain("13,90 €");
  expect(storefront.calls[0]!.variables).toMatchObject({ country: "FR", language: "FR" });
});

/** The line properties a cart permalink asks for, decoded as Shopify documents them. */
function linePropertiesOf(href: string): unknown {
  const url = new URL(href);
  expect([...url.searchParams.keys()]).toEqual(["properties"]);
  return JSON.parse(Buffer.from(url.searchParams.get("properties")!, "base64url").toString("utf8"));
}
