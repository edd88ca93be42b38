// @vitest-environment jsdom
/// <reference types="@shopify/ui-extensions/purchase.checkout.block.render" />
import type { CartLineChange, CartLineChangeResult } from "@shopify/ui-extensions/checkout";
import { getExtension } from "@shopify/ui-extensions-tester";
import { createCartLine, createResult } from "@shopify/ui-extensions-tester/checkout";
import { fireEvent, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OFFERS_TIMEOUT_MS } from "../src/lib/api";
import { EVENTS_INTERVAL_MS } from "../src/lib/events";
import {
  APP_URL,
  DISCOUNTED_OFFERS,
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
  // Shopify's Storefront API answers for a buyer in the United States unless a test says otherwise.
  extension.shopify.query = fakeStorefront().query as typeof extension.shopify.query;
  extension.shopify.lines.value = [cartLine(1, 1)];
  // Settings the merchant has not set are undefined; the tester's strict mock needs the keys listed.
  extension.shopify.settings.value = { heading: undefined, offer_count: undefined };
});

afterEach(() => {
  unmount();
  extension.tearDown();
  vi.useRealTimers();
});

function cartLine(variant: number, product: number, offerId?: string) {
  return createCartLine({
    id: `gid://shopify/CartLine/${variant}`,
    merchandise: {
      type: "variant",
      id: `gid://shopify/ProductVariant/${variant}`,
      title: `Variant ${variant}`,
      selectedOptions: [],
      product: { id: `gid://shopify/Product/${product}`, vendor: "", productType: "" },
      requiresShipping: true,
    },
    attributes: offerId ? [{ key: "_upsell_offer", value: offerId }] : [],
  });
}

const buttons = () => [...document.body.querySelectorAll("s-button")];
const skeletons = () => document.body.querySelectorAll("s-skeleton-paragraph");

const renderOffers = (app = fakeApp()) => renderWithApp(extension, app);

describe("checkout block", () => {
  it("asks the app for offers for the cart and shows them after a skeleton", async () => {
    const app = fakeApp();
    extension.fetch = app.fetch;
    extension.shopify.lines.value = [cartLine(1, 1), { ...cartLine(2, 5), quantity: 3 }];

    await extension.render();
    expect(skeletons()).toHaveLength(2);
    await waitFor(() => expect(buttons()).toHaveLength(2));

    expect(skeletons()).toHaveLength(0);
    expect(app.offerRequests()).toEqual([
      {
        at: expect.any(Number),
        url: `${APP_URL}/api/checkout/offers`,
        headers: { Authorization: "Bearer mock-session-token", "Content-Type": "application/json" },
        body: {
          cart: {
            lines: [
              {
                productId: "gid://shopify/Product/1",
                variantId: "gid://shopify/ProductVariant/1",
                quantity: 1,
              },
              {
                productId: "gid://shopify/Product/5",
                variantId: "gid://shopify/ProductVariant/2",
                quantity: 3,
              },
            ],
          },
          locale: "en",
          surface: "checkout",
        },
      },
    ]);
    expect(text(document.body.querySelector("s-heading"))).toBe("heading");
    const [mug, filters] = [...document.body.querySelectorAll("s-grid")];
    expect(mug!.querySelector("s-product-thumbnail")!.getAttribute("src")).toBe(
      "https://cdn.shopify.com/mug.png",
    );
    expect(text(mug)).toContain("Ceramic mug");
    expect(text(mug!.querySelector("s-text[type=redundant]"))).toBe("15");
    expect(text(mug)).toContain("12.5");
    expect(text(mug)).toContain("Often bought with Coffee beans");
    expect(text(filters)).toContain("Paper filters");
    expect(filters!.querySelector("s-text[type=redundant]")).toBeNull();
    // The app sent no reason: the extension words the kind itself.
    expect(text(filters)).toContain("reason.popular");
    expect(text(document.body)).not.toContain("Hand grinder");
  });

  it("uses the merchant's heading and number of offers", async () => {
    extension.shopify.settings.value = { heading: "Complete your ritual", offer_count: 3 };
    await renderOffers();
    expect(text(document.body.querySelector("s-heading"))).toBe("Complete your ritual");
    expect(buttons()).toHaveLength(3);
  });

  it("prefers the heading the app sends in the shopper's language", async () => {
    extension.shopify.settings.value = { heading: "Complete your ritual", offer_count: undefined };
    await renderOffers(
      fakeApp({ offers: { offers: OFFERS, modelVersion: 3, heading: "Vous aimerez aussi" } }),
    );
    expect(text(document.body.querySelector("s-heading"))).toBe("Vous aimerez aussi");
  });

  it("shows the merchant's message to the shopper's segment under the heading", async () => {
    await renderOffers(
      fakeApp({ offers: { offers: OFFERS, modelVersion: 3, message: "Thank you for coming back!" } }),
    );
    const message = document.body.querySelector("s-heading")!.nextElementSibling;
    expect(message?.localName).toBe("s-paragraph");
    expect(text(message)).toBe("Thank you for coming back!");
  });

  it.each([
    ["no message", undefined],
    ["a message that is not text", { text: "Thank you" }],
    ["a message over 120 characters", "Thank you ".repeat(13)],
  ])("shows only the heading and the offers for %s", async (_, message) => {
    await renderOffers(fakeApp({ offers: { offers: OFFERS, modelVersion: 3, message } }));
    const blocks = [...document.body.querySelector("s-stack")!.children];
    expect(blocks.map((block) => block.localName)).toEqual(["s-heading", "s-stack", "s-stack"]);
    expect(text(document.body)).not.toContain("Thank you");
  });

  it("does not offer what is already in the cart", async () => {
    extension.shopify.lines.value = [cartLine(70, 7)];
    await renderOffers();
    expect(text(document.body)).not.toContain("Ceramic mug");
    expect(text(document.body)).toContain("Paper filters");
    expect(text(document.body)).toContain("Hand grinder");
  });

  it("adds the offered variant with the offer's id as a hidden line property", async () => {
    const lines = liveSignal([cartLine(1, 1)]);
    extension.shopify.lines = lines;
    let finish: (result: CartLineChangeResult) => void = () => {};
    const applyCartLinesChange = vi.fn(
      (_change: CartLineChange) =>
        new Promise<CartLineChangeResult>((resolve) => {
          finish = resolve;
        }),
    );
    extension.shopify.applyCartLinesChange = applyCartLinesChange;
    await renderOffers();

    fireEvent.click(buttons()[0]!);

    expect(applyCartLinesChange).toHaveBeenCalledTimes(1);
    expect(applyCartLinesChange).toHaveBeenCalledWith({
      type: "addCartLine",
      merchandiseId: "gid://shopify/ProductVariant/70",
      quantity: 1,
      attributes: [{ key: "_upsell_offer", value: "o1.mug" }],
    });
    await waitFor(() => expect(buttons()[0]!.hasAttribute("disabled")).toBe(true));
    expect(buttons()[0]!.hasAttribute("loading")).toBe(true);

    finish(createResult("applyCartLinesChange", { type: "success" }));
    lines.value = [cartLine(1, 1), cartLine(70, 7, "o1.mug")];
    await waitFor(() => expect(text(document.body)).not.toContain("Ceramic mug"));
    expect(text(document.body)).toContain("Paper filters");
  });

  it("says so beside the offer when checkout refuses the line, and lets the shopper try again", async () => {
    extension.shopify.applyCartLinesChange = vi
      .fn()
      .mockResolvedValueOnce(createResult("applyCartLinesChange", { type: "error", message: "Out of stock" }))
      .mockRejectedValueOnce(new Error("host went away"));
    await renderOffers();

    fireEvent.click(buttons()[0]!);
    await waitFor(() => expect(text(document.body)).toContain("addFailed"));
    expect(buttons()[0]!.hasAttribute("disabled")).toBe(false);
    expect(text(document.body)).not.toContain("Out of stock");

    fireEvent.click(buttons()[0]!);
    await waitFor(() => expect(extension.shopify.applyCartLinesChange).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(buttons()[0]!.hasAttribute("disabled")).toBe(false));
    expect(text(document.body)).toContain("addFailed");
    expect(text(document.body)).toContain("Ceramic mug");
  });

  it.each([
    // Whatever the body of an error says, it is not offers.
    ["an error status", fakeApp({ status: 500 })],
    ["an unauthorized status", fakeApp({ status: 401 })],
    ["a body that is not JSON", fakeApp({ offers: () => new Response("<html>", { status: 200 }) })],
    ["JSON of another shape", fakeApp({ offers: { items: OFFERS } })],
    ["no offers", fakeApp({ offers: { offers: [], modelVersion: null } })],
    ["no offers but a message", fakeApp({ offers: { offers: [], modelVersion: null, message: "Hi" } })],
  ])("renders nothing at all after %s", async (_, app) => {
    extension.fetch = app.fetch;
    await extension.render();
    await waitFor(() => expect(skeletons()).toHaveLength(0));
    expect(document.body.innerHTML).toBe("");
  });

  it("renders nothing when the network fails", async () => {
    extension.fetch = vi.fn().mockRejectedValue(new TypeError("Failed to fetch"));
    await extension.render();
    await waitFor(() => expect(skeletons()).toHaveLength(0));
    expect(document.body.innerHTML).toBe("");
  });

  it("gives up and renders nothing when the app is slower than the deadline", async () => {
    vi.useFakeTimers();
    const app = fakeApp({ delayMs: OFFERS_TIMEOUT_MS + 500 });
    extension.fetch = app.fetch;
    await extension.render();
    // The request starts in an effect, a frame after the skeleton shows.
    while (app.offerRequests().length === 0) await vi.advanceTimersByTimeAsync(1);
    const requestedAt = app.offerRequests()[0]!.at;
    await vi.advanceTimersByTimeAsync(requestedAt + OFFERS_TIMEOUT_MS - 1 - Date.now());
    expect(skeletons()).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(1);
    expect(document.body.innerHTML).toBe("");
    // The late answer changes nothing.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(document.body.innerHTML).toBe("");
    expect(app.offerRequests()).toHaveLength(1);
  });

  it("renders nothing and asks nothing when the checkout cannot take new lines", async () => {
    const app = fakeApp();
    extension.fetch = app.fetch;
    extension.shopify.instructions.value = {
      ...extension.shopify.instructions.value,
      lines: { canAddCartLine: false, canRemoveCartLine: true, canUpdateCartLine: true },
    };
    await extension.render();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.body.innerHTML).toBe("");
    expect(app.offerRequests()).toHaveLength(0);
  });
});

describe("feedback events", () => {
  it("sends impressions, the click and the add together in one batch when the extension goes away", async () => {
    const app = await renderOffers();
    fireEvent.click(buttons()[1]!);
    await waitFor(() => expect(text(document.body)).not.toContain("Paper filters"));
    expect(app.eventBatches()).toEqual([]);

    unmount();

    await waitFor(() => expect(app.eventBatches()).toHaveLength(1));
    const [batch] = app.eventBatches();
    expect(batch!.map(({ type, offerId }) => [type, offerId])).toEqual([
      ["impression", "o1.mug"],
      ["impression", "o1.filter"],
      ["click", "o1.filter"],
      ["add", "o1.filter"],
      // The next offer moves up into the freed place.
      ["impression", "o1.grinder"],
    ]);
    for (const event of batch!) {
      expect(event.surface).toBe("checkout");
      expect(new Date(event.at).toISOString()).toBe(event.at);
    }
    const call = app.fetch as unknown as ReturnType<typeof vi.fn>;
    const eventsCall = call.mock.calls.find(([url]) => String(url).endsWith("/api/checkout/events"));
    expect(eventsCall![1].headers).toEqual({
      Authorization: "Bearer mock-session-token",
      "Content-Type": "application/json",
    });
  });

  it("sends events every few seconds while the shopper stays, one impression per offer", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const lines = liveSignal([cartLine(1, 1)]);
    extension.shopify.lines = lines;
    const app = await renderOffers();
    lines.value = [cartLine(1, 1), cartLine(5, 5)];
    await vi.advanceTimersByTimeAsync(EVENTS_INTERVAL_MS);
    expect(app.eventBatches().map((batch) => batch.map(({ type }) => type))).toEqual([
      ["impression", "impression"],
    ]);
  });

  it("sends the cart's products, each once, with the impressions", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    extension.shopify.lines.value = [cartLine(1, 1), { ...cartLine(2, 5), quantity: 3 }, cartLine(3, 5)];
    const app = await renderOffers();
    await vi.advanceTimersByTimeAsync(EVENTS_INTERVAL_MS);
    expect(app.eventRequests()).toEqual([
      {
        events: [
          expect.objectContaining({ type: "impression", offerId: "o1.mug" }),
          expect.objectContaining({ type: "impression", offerId: "o1.filter" }),
        ],
        cart: ["gid://shopify/Product/1", "gid://shopify/Product/5"],
      },
    ]);
  });

  it("sends the cart as it is when the events leave, not as it was when they happened", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const lines = liveSignal([cartLine(1, 1)]);
    extension.shopify.lines = lines;
    const app = await renderOffers();
    expect(app.eventRequests()).toEqual([]);
    lines.value = [cartLine(1, 1), cartLine(5, 5)];
    await vi.advanceTimersByTimeAsync(EVENTS_INTERVAL_MS);
    expect(app.eventRequests().map(({ cart }) => cart)).toEqual([
      ["gid://shopify/Product/1", "gid://shopify/Product/5"],
    ]);
  });

  it("reports an offered line leaving the cart", async () => {
    const lines = liveSignal([cartLine(1, 1), cartLine(70, 7, "o1.mug")]);
    extension.shopify.lines = lines;
    const app = await renderOffers();
    lines.value = [cartLine(1, 1)];
    // Back out of the cart, the mug may be offered again.
    await waitFor(() => expect(text(document.body)).toContain("Ceramic mug"));
    unmount();
    await waitFor(() => expect(app.eventBatches()).toHaveLength(1));
    expect(app.eventBatches()[0]!.map(({ type, offerId }) => [type, offerId])).toEqual([
      ["impression", "o1.filter"],
      ["impression", "o1.grinder"],
      ["remove", "o1.mug"],
      ["impression", "o1.mug"],
    ]);
  });
});

describe("discounts", () => {
  const discountedApp = () => fakeApp({ offers: { offers: DISCOUNTED_OFFERS, modelVersion: 3 } });

  /** Records what the extension asks checkout to change, in order. */
  function recordChanges() {
    const changes: CartLineChange[] = [];
    extension.shopify.applyCartLinesChange = vi.fn(async (change: CartLineChange) => {
      changes.push(change);
      return createResult("applyCartLinesChange", { type: "success" }) as CartLineChangeResult;
    });
    return changes;
  }

  it("sends the checkout's key, so a guest stays in one experiment arm", async () => {
    extension.shopify.checkoutToken.value = "a1b2c3d4e5";
    const app = await renderOffers();
    expect(app.offerRequests()[0]!.body).toMatchObject({ unitKey: "a1b2c3d4e5", surface: "checkout" });
  });

  it("shows a discounted offer's price struck through beside the discounted price", async () => {
    await renderOffers(discountedApp());
    const [mug, filters] = [...document.body.querySelectorAll("s-grid")];
    expect(text(mug!.querySelector("s-text[type=redundant]"))).toBe("12.5");
    expect(text(mug)).toContain("11.25");
    expect(text(mug!.querySelector("s-badge"))).toBe("discount");
    // The compare-at price gives way to the discount: one struck price is enough.
    expect(text(mug)).not.toContain("15");
    expect(filters!.querySelector("s-badge")).toBeNull();
  });

  it("adds the discounted line with its offer id and nothing else: no code to type or apply", async () => {
    const changes = recordChanges();
    await renderOffers(discountedApp());

    fireEvent.click(buttons()[0]!);
    await waitFor(() => expect(text(document.body)).not.toContain("Ceramic mug"));
    expect(changes).toEqual([
      {
        type: "addCartLine",
        merchandiseId: "gid://shopify/ProductVariant/70",
        quantity: 1,
        attributes: [{ key: "_upsell_offer", value: "o1.mug" }],
      },
    ]);
  });
});
