// @vitest-environment jsdom
/// <reference types="@shopify/ui-extensions/purchase.checkout.cart-line-list.render-after" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { fireEvent, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { fakeApp, fakeStorefront, unmount } from "./helpers";

const extension = getExtension("purchase.checkout.cart-line-list.render-after");

beforeEach(() => {
  extension.setUp();
  // Shopify's Storefront API answers for a buyer in the United States unless a test says otherwise.
  extension.shopify.query = fakeStorefront().query as typeof extension.shopify.query;
  extension.shopify.settings.value = { heading: undefined, offer_count: 1 };
});

afterEach(() => {
  unmount();
  extension.tearDown();
});

it("offers after the line items, as its own surface", async () => {
  const app = fakeApp();
  extension.fetch = app.fetch;
  const applyCartLinesChange = vi.spyOn(extension.shopify, "applyCartLinesChange");
  await extension.render();
  await waitFor(() => expect(document.body.querySelectorAll("s-button")).toHaveLength(1));

  fireEvent.click(document.body.querySelector("s-button")!);
  await waitFor(() => expect(applyCartLinesChange).toHaveBeenCalledTimes(1));
  expect(applyCartLinesChange.mock.calls[0]![0]).toMatchObject({
    merchandiseId: "gid://shopify/ProductVariant/70",
    attributes: [{ key: "_upsell_offer", value: "o1.mug" }],
  });
  unmount();

  await waitFor(() => expect(app.eventBatches()).toHaveLength(1));
  expect((app.offerRequests()[0]!.body as { surface: string }).surface).toBe("cart-line-list");
  expect(new Set(app.eventBatches()[0]!.map(({ surface }) => surface))).toEqual(new Set(["cart-line-list"]));
});
