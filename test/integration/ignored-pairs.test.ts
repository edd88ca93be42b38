import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { action as eventsAction } from "~/routes/api.checkout.events";
import { demoteIgnoredPairs, requestNightlyDemotions } from "~/services/demote-ignored-pairs.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { previewPage } from "../helpers/admin";
import { checkoutOffers as offersFor } from "../helpers/checkout";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

const numeric = (gidOrId: string) => gidOrId.replace("gid://shopify/Product/", "");
const gid = (id: string) => `gid://shopify/Product/${id}`;

let address = 0;
/** The checkout's offers for a cart, as a logged-in customer's extension asks for them. */
async function checkoutOffers(cart: string[], customerId = "7300000000001") {
  address += 1;
  return offersFor(DEMO_SHOP, cart, { customerId, clientAddress: `203.0.113.${address % 250}` });
}

const preview = (cart: string[]) => previewPage(DEMO_SHOP, cart);

/** `count` impressions of an offer shown beside `cartProduct`, the first `engaged` of them clicked. */
async function shown(
  shopId: string,
  {
    offer,
    cartProduct,
    count,
    engaged = 0,
    from = 0,
  }: {
    offer: string;
    cartProduct: string;
    count: number;
    engaged?: number;
    /** the first impression's number, to add to earlier ones */
    from?: number;
  },
) {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => ({
    shopId,
    offerId: `history-${offer}-${cartProduct}-${from + i}`,
    productId: offer,
    modelVersion: 1,
    surface: "checkout",
    type: "impression",
    cartProductIds: [cartProduct],
    occurredAt: new Date(now - (i % 20) * 86_400_000),
  }));
  const clicks = rows.slice(0, engaged).map((row) => ({ ...row, type: "click" }));
  await db().offerEvent.createMany({ data: [...rows, ...clicks] });
}

describe("offers shoppers keep ignoring beside a cart product", () => {
  let shopId: string;
  let cartProduct: string;
  let otherCartProduct: string;
  let ignored: string;
  let liked: string;

  beforeAll(async () => {
    await seedDemoShop(db(), {
      seed: 3,
      synthetic: { orders: 900, customers: 150, products: 50 },
      scopes: "read_orders",
    });
    shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
    await trainLiveModel(DEMO_SHOP);
    await waitFor(async () => (await preview([])).result.modelVersion === 1);
    const products = await db().product.findMany({
      where: { shopId, status: "ACTIVE" },
      orderBy: { externalId: "asc" },
    });
    cartProduct = products[0]!.externalId;
    otherCartProduct = products[1]!.externalId;
    const offers = (await preview([cartProduct])).result.offers.map((offer: { productId: string }) =>
      numeric(offer.productId),
    );
    expect(offers.length).toBe(3);
    [ignored, liked] = offers as [string, string];
    // Shoppers engage with 4% of what they are shown beside another product.
    await shown(shopId, { offer: liked, cartProduct: otherCartProduct, count: 1_000, engaged: 40 });
  }, 120_000);

  it("stores the checkout's products with each event the extension sends", async () => {
    const [offer] = await checkoutOffers([cartProduct]);
    const token = await checkoutToken({ shop: DEMO_SHOP, customerId: "7300000000001" });
    const body = {
      events: [{ type: "impression", offerId: offer!.offerId, surface: "checkout" }],
      cart: [gid(cartProduct), gid(otherCartProduct), gid(cartProduct)],
    };
    const response = await callRoute(eventsAction, checkoutRequest("/api/checkout/events", { token, body }));
    expect(response.status).toBe(200);
    const stored = await db().offerEvent.findFirstOrThrow({ where: { offerId: offer!.offerId } });
    expect(stored.cartProductIds).toEqual([cartProduct, otherCartProduct]);
    await db().offerEvent.delete({ where: { id: stored.id } });
  });

  it("ranks an offer shown often beside a product and never clicked last for carts holding it, exploring a tenth", async () => {
    // The shop's shoppers engaged with 52 of 1,495 impressions (3.5%): 196 unanswered impressions of a
    // pair happen by chance less than once in a thousand, 195 more often.
    await shown(shopId, { offer: liked, cartProduct, count: 300, engaged: 12 });
    await shown(shopId, { offer: ignored, cartProduct, count: 195 });
    expect(await demoteIgnoredPairs(db(), { shopDomain: DEMO_SHOP })).toEqual({ demoted: 0, lifted: 0 });
    await shown(shopId, { offer: ignored, cartProduct, count: 1, from: 195 });
    expect(await demoteIgnoredPairs(db(), { shopDomain: DEMO_SHOP })).toEqual({ demoted: 1, lifted: 0 });

    // The ranking is asked for one more offer than the 3 shown: the other three fill the list.
    const page = await preview([cartProduct]);
    const listed = page.result.offers.map((offer: { productId: string }) => numeric(offer.productId));
    expect(listed).toHaveLength(3);
    expect(listed).not.toContain(ignored);
    expect(page.demoted).toEqual([
      {
        offer: { productId: ignored, title: expect.any(String) },
        cart: { productId: cartProduct, title: expect.any(String) },
        impressions: 196,
        shown: false,
      },
    ]);

    // Shoppers' checkouts (the experiment's holdout sees none): the offer comes first only for the
    // tenth that explores.
    let served = 0;
    let first = 0;
    for (let i = 0; i < 100; i++) {
      const offers = await checkoutOffers([cartProduct], String(7_310_000_000_000 + i));
      if (offers.length === 0) continue;
      served += 1;
      if (numeric(offers[0]!.productId) === ignored) first += 1;
    }
    expect(served).toBeGreaterThan(70);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(0.3 * served);
    // A cart without the product ranks as before.
    const elsewhere = (await preview([otherCartProduct])).demoted;
    expect(elsewhere).toEqual([]);
  });

  it("keeps the demotion while shown less, and lifts it once an exploring shopper clicks the offer", async () => {
    // Demoted, the pair is shown far less: its 30 days of impressions fall under the bar.
    await db().offerEvent.deleteMany({
      where: { shopId, productId: ignored, offerId: { startsWith: "history-" } },
    });
    expect(await demoteIgnoredPairs(db(), { shopDomain: DEMO_SHOP })).toEqual({ demoted: 1, lifted: 0 });
    // A click on an impression from before the demotion lifts nothing either.
    await shown(shopId, { offer: ignored, cartProduct, count: 1, engaged: 1, from: 1_000 });
    await db().offerEvent.updateMany({
      where: { offerId: `history-${ignored}-${cartProduct}-1000` },
      data: { occurredAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    expect(await demoteIgnoredPairs(db(), { shopDomain: DEMO_SHOP })).toEqual({ demoted: 1, lifted: 0 });

    // An exploring shopper is shown it beside the product and clicks it.
    const now = new Date();
    await db().offerEvent.createMany({
      data: ["impression", "click"].map((type) => ({
        shopId,
        offerId: "explored-1",
        productId: ignored,
        modelVersion: 1,
        surface: "checkout",
        type,
        cartProductIds: [cartProduct],
        occurredAt: now,
      })),
    });
    expect(await demoteIgnoredPairs(db(), { shopDomain: DEMO_SHOP })).toEqual({ demoted: 0, lifted: 1 });
    const page = await preview([cartProduct]);
    expect(numeric(page.result.offers[0].productId)).toBe(ignored);
    expect(page.demoted).toEqual([]);
  });

  it("is run nightly for every installed shop shown offers in the last 30 days", async () => {
    expect(await requestNightlyDemotions(db())).toBe(1);
    const job = await queue("train").getJob(`demote-${DEMO_SHOP}`);
    expect(job?.name).toBe("demote-ignored-pairs");
    expect(job?.data).toEqual({ shopDomain: DEMO_SHOP });
    await db().offerEvent.updateMany({
      where: { shopId },
      data: { occurredAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    await queue("train").drain();
    expect(await requestNightlyDemotions(db())).toBe(0);
  });
});
