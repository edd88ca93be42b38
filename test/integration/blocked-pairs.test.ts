import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import { action as previewAction } from "~/routes/app.preview";
import { MAX_BLOCKED_PAIRS } from "~/services/block-offer-pair.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { adminRequest, previewPage } from "../helpers/admin";
import { checkoutOffers as offersFor } from "../helpers/checkout";
import { buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { callRoute } from "../helpers/routes";
import { waitFor } from "../helpers/wait";

isolateIntegration();

const numeric = (gidOrId: string) => gidOrId.replace("gid://shopify/Product/", "");

/** The checkout's offers for a cart of product ids, as a guest's extension asks for them. */
async function checkoutOffers(cart: string[]): Promise<string[]> {
  return (await offersFor(DEMO_SHOP, cart)).map((offer) => numeric(offer.productId));
}

const preview = (cart: string[]) => previewPage(DEMO_SHOP, cart);

async function pairAction(form: Record<string, string>) {
  const response = await callRoute(
    previewAction,
    await adminRequest("/app/preview", { shop: DEMO_SHOP, form: Object.entries(form) }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { ok: boolean; message: string };
}

describe("never offer X with Y, from the preview", () => {
  let cartProduct: string;
  let blockedOffer: string;
  let emptyCartOffers: string[];

  beforeAll(async () => {
    await seedDemoShop(db(), {
      seed: 3,
      synthetic: { orders: 900, customers: 150, products: 50 },
      scopes: "read_orders",
    });
    await trainLiveModel(DEMO_SHOP);
    await waitFor(async () => (await preview([])).result.modelVersion === 1);
    const product = await db().product.findFirstOrThrow({
      where: { status: "ACTIVE" },
      orderBy: { externalId: "asc" },
    });
    cartProduct = product.externalId;
    const offers = await checkoutOffers([cartProduct]);
    expect(offers.length).toBeGreaterThan(1);
    blockedOffer = offers[0]!;
    emptyCartOffers = await checkoutOffers([]);
  }, 120_000);

  it("leaves the offer out of every checkout whose cart holds the product, and only those", async () => {
    expect(
      await pairAction({ intent: "block", cartProductId: cartProduct, offerProductId: blockedOffer }),
    ).toEqual({
      ok: true,
      message: "Blocked from the next checkout on.",
    });
    const offers = await checkoutOffers([cartProduct]);
    expect(offers).not.toContain(blockedOffer);
    expect(offers.length).toBeGreaterThan(0);
    expect(await checkoutOffers([])).toEqual(emptyCartOffers);
    const page = await preview([cartProduct]);
    expect(page.result.offers.map((offer: { productId: string }) => numeric(offer.productId))).toEqual(
      offers,
    );
    expect(page.blockedTotal).toBe(1);
    expect(page.blockedPairs).toEqual([
      {
        cart: { productId: cartProduct, title: expect.any(String) },
        offer: { productId: blockedOffer, title: expect.any(String) },
        inCart: true,
      },
    ]);
    expect((await preview([])).blockedPairs[0].inCart).toBe(false);
  });

  it("offers it again once allowed", async () => {
    expect(
      await pairAction({ intent: "allow", cartProductId: cartProduct, offerProductId: blockedOffer }),
    ).toEqual({
      ok: true,
      message: "Allowed again from the next checkout on.",
    });
    expect((await checkoutOffers([cartProduct]))[0]).toBe(blockedOffer);
    expect((await preview([])).blockedTotal).toBe(0);
  });

  it("refuses unknown products, a product with itself, malformed requests and pairs past the limit", async () => {
    expect(
      await pairAction({ intent: "block", cartProductId: cartProduct, offerProductId: "999999999" }),
    ).toEqual({
      ok: false,
      message: "No product 999999999 in this shop.",
    });
    // A product of another shop is unknown here: a merchant acts on their own shop's products only.
    const other = await markInstalled(db(), "other-shop.myshopify.com");
    await upsertProductBatch(db(), {
      shopId: other.shop.id,
      products: [buildProduct({ externalId: "777000111" })],
      replaceVariants: true,
    });
    expect(
      await pairAction({ intent: "block", cartProductId: cartProduct, offerProductId: "777000111" }),
    ).toEqual({
      ok: false,
      message: "No product 777000111 in this shop.",
    });
    expect(
      await pairAction({ intent: "block", cartProductId: cartProduct, offerProductId: cartProduct }),
    ).toEqual({
      ok: false,
      message: "A product is never offered with itself already.",
    });
    const malformed: Array<Record<string, string>> = [
      { intent: "block", cartProductId: "../x", offerProductId: blockedOffer },
      { intent: "drop", cartProductId: cartProduct, offerProductId: blockedOffer },
      { intent: "block", cartProductId: cartProduct },
    ];
    for (const form of malformed) {
      expect((await pairAction(form)).message).toBe("That request was not understood; reload the page.");
    }
    expect(await db().blockedOfferPair.count()).toBe(0);

    const shop = await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } });
    await db().blockedOfferPair.createMany({
      data: Array.from({ length: MAX_BLOCKED_PAIRS }, (_, i) => ({
        shopId: shop.id,
        cartProductId: `c${i}`,
        offerProductId: `o${i}`,
      })),
    });
    const refused = await pairAction({
      intent: "block",
      cartProductId: cartProduct,
      offerProductId: blockedOffer,
    });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/already blocks 1000 pairs/);
    expect(await db().blockedOfferPair.count()).toBe(MAX_BLOCKED_PAIRS);
    expect((await checkoutOffers([cartProduct]))[0]).toBe(blockedOffer);
  });
});
