import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { signOfferToken } from "~/lib/offer-token.server";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { action as webhookAction } from "~/routes/webhooks.$";
import { offerReport } from "~/services/offer-report.server";
import { cartPermalink } from "../../extensions/checkout-upsell/src/lib/cart";
import { seedOfferShop } from "../fixtures/offer-shop";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

let workers: RunningWorkers;
beforeAll(async () => {
  await seedOfferShop(db(), TEST_SHOP);
  workers = await startWorkers({ queues: ["ingest"], concurrency: 1 });
});
afterAll(async () => {
  await workers.close();
});

interface Offer {
  offerId: string;
  productId: string;
  variantId: string;
}

async function serveThankYouOffers(): Promise<Offer[]> {
  const request = checkoutRequest("/api/checkout/offers", {
    token: await checkoutToken(),
    body: { cart: { lines: [] }, locale: "en", surface: "thank-you" },
  });
  const response = await callRoute(offersAction, request);
  expect(response.status).toBe(200);
  return (await response.json()).offers;
}

const numeric = (gid: string) => Number(gid.split("/").pop());

/** The Thank you page's link for an offer, as the extension builds it. */
function linkFor(offer: Offer, offerId = offer.offerId): string {
  const href = cartPermalink("https://coffee.example", offer.variantId, offerId);
  if (!href) throw new Error(`No link for ${offer.variantId}`);
  return href;
}

let orderId = 9_200_000_000;
/**
 * Delivers `orders/create` for the checkout a cart permalink starts, shaped as Shopify sends it:
 * one unit of the link's variant, and the link's `properties` (base64url JSON) as that line's
 * `properties` list of name and value.
 */
async function placeOrderThrough(href: string, { productId }: { productId: number }) {
  const url = new URL(href);
  const [, variant, quantity] = /^\/cart\/(\d+):(\d+)$/.exec(url.pathname) ?? [];
  const encoded = url.searchParams.get("properties") ?? "";
  const properties = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Record<string, string>;
  const fixture = webhookFixture<{ line_items: Array<Record<string, unknown>> }>("orders-create");
  orderId += 1;
  const placedAt = new Date().toISOString();
  const order = {
    ...fixture,
    id: orderId,
    created_at: placedAt,
    updated_at: placedAt,
    currency: "EUR",
    line_items: [
      {
        ...fixture.line_items[0],
        id: orderId * 10,
        product_id: productId,
        variant_id: Number(variant),
        quantity: Number(quantity),
        current_quantity: Number(quantity),
        price: "12.50",
        properties: Object.entries(properties).map(([name, value]) => ({ name, value })),
      },
    ],
    refunds: [],
  };
  const eventId = crypto.randomUUID();
  const delivered = await callRoute(
    webhookAction,
    webhookRequest({ topic: "orders/create", payload: order, eventId }),
  );
  expect(delivered.status).toBe(200);
  await waitFor(async () => {
    const delivery = await db().webhookDelivery.findFirst({ where: { eventId } });
    return delivery?.status === "processed";
  });
}

it("attributes an order placed through a Thank you page link to its offer, and never a tampered link", async () => {
  const since = new Date();
  const [offer, other] = await serveThankYouOffers();
  if (!offer || !other) throw new Error("The shop should be offered at least two products");

  await placeOrderThrough(linkFor(offer), { productId: numeric(offer.productId) });

  // The same link with its id's MAC changed.
  const mac = offer.offerId.slice(-1) === "A" ? "B" : "A";
  const tampered = `${offer.offerId.slice(0, -1)}${mac}`;
  await placeOrderThrough(linkFor(offer, tampered), { productId: numeric(offer.productId) });
  // A real id put on a link to another product.
  await placeOrderThrough(linkFor(other, offer.offerId), { productId: numeric(other.productId) });
  // An id served by another shop, on a link to this shop's product.
  const elsewhere = signOfferToken({
    shopDomain: "other-shop.myshopify.com",
    productId: String(numeric(other.productId)),
    modelVersion: null,
    surface: "thank-you",
  });
  await placeOrderThrough(linkFor(other, elsewhere), { productId: numeric(other.productId) });

  const report = await offerReport(db(), { shopDomain: TEST_SHOP, since });
  expect(report.unattributedLines).toBe(3);
  expect(report.rows.filter((row) => row.purchases > 0)).toEqual([
    expect.objectContaining({
      productId: String(numeric(offer.productId)),
      surface: "thank-you",
      purchases: 1,
      revenue: "12.50",
    }),
  ]);
});
