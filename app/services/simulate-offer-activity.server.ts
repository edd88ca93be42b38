import type { Db } from "~/db.server";
import { AppError } from "~/lib/errors";
import { signOfferToken } from "~/lib/offer-token.server";
import type { Surface } from "~/lib/offers";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import { insertOfferEvents, type OfferEventRow } from "~/models/offer-events.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { findShop } from "~/models/shops.server";
import { createRng } from "~ml/random";
import { recommend } from "./recommend.server";
import { DEMO_SHOP } from "./seed-demo-shop.server";

/** Simulated orders carry this prefix, so a new simulation replaces the last one. */
const ORDER_PREFIX = "sim-";
const DAY_MS = 86_400_000;
const SURFACE_SHARES: Array<[Surface, number]> = [
  ["checkout", 0.55],
  ["cart-line-list", 0.1],
  ["thank-you", 0.25],
  ["storefront", 0.1],
];
/** Of offers shown: clicked; of clicked: added; of added: bought (else removed, sometimes). */
const CLICK_RATE = 0.14;
const ADD_RATE = 0.55;
const BUY_RATE = 0.75;
const CURRENCY = "USD";

export interface SimulatedActivity {
  checkouts: number;
  events: number;
  orders: number;
}

/**
 * Shopper activity for the local demo shop, so its performance page has something to show: for
 * each of the last `days` days, checkouts of the shop's own customers and carts are served the
 * offers recommend() ranks, and a seeded share of them is shown, clicked, added and bought (as
 * orders carrying the offer id, attributed like real ones). Replaces an earlier simulation.
 * Refuses any shop but the demo shop: these are made-up shoppers.
 */
export async function simulateOfferActivity(
  database: Db,
  {
    shopDomain = DEMO_SHOP,
    days = 30,
    checkoutsPerDay = 40,
    seed = 1,
    now = new Date(),
  }: { shopDomain?: string; days?: number; checkoutsPerDay?: number; seed?: number; now?: Date } = {},
): Promise<SimulatedActivity> {
  if (shopDomain !== DEMO_SHOP)
    throw new AppError("BAD_REQUEST", "Only the demo shop gets simulated shoppers.");
  const shop = await findShop(database, shopDomain);
  if (!shop) throw new AppError("NOT_FOUND", `No shop ${shopDomain}.`);
  await database.offerEvent.deleteMany({ where: { shopId: shop.id } });
  await database.order.deleteMany({ where: { shopId: shop.id, externalId: { startsWith: ORDER_PREFIX } } });

  // Carts and customers to replay: the shop's own orders, most recent first.
  const samples = await database.order.findMany({
    where: { shopId: shop.id, cancelledAt: null },
    orderBy: { orderedAt: "desc" },
    take: 2_000,
    select: { customerKey: true, lines: { select: { productId: true, unitPrice: true } } },
  });
  if (samples.length === 0) return { checkouts: 0, events: 0, orders: 0 };
  const prices = new Map(
    samples.flatMap((order) =>
      order.lines.map((line) => [line.productId, line.unitPrice?.toString() ?? null]),
    ),
  );
  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const surfaceOf = () => {
    let draw = rng();
    for (const [surface, share] of SURFACE_SHARES) {
      draw -= share;
      if (draw < 0) return surface;
    }
    return "checkout" as Surface;
  };
  const events: OfferEventRow[] = [];
  const orders: OrderSnapshot[] = [];
  const firstDay = Math.floor(now.getTime() / DAY_MS) - days + 1;
  let checkouts = 0;
  for (let dayIndex = 0; dayIndex < days; dayIndex++) {
    // Busier towards the end, as a shop that added the block and grew.
    const volume = Math.round(checkoutsPerDay * (0.6 + (0.8 * dayIndex) / Math.max(1, days - 1)));
    for (let n = 0; n < volume; n++) {
      const servedAt = new Date((firstDay + dayIndex) * DAY_MS + Math.floor(rng() * DAY_MS));
      if (servedAt > now) continue;
      const sample = pick(samples);
      const cart = [
        ...new Set(sample.lines.flatMap((line) => (line.productId ? [line.productId] : []))),
      ].slice(0, 3);
      const ranked = await recommend(database, { shopDomain, customerKey: sample.customerKey, cart, k: 3 });
      const surface = surfaceOf();
      checkouts += 1;
      for (const offer of ranked.offers) {
        if (!/^\d+$/.test(offer.productId)) continue;
        const offerId = signOfferToken({
          shopDomain,
          productId: offer.productId,
          modelVersion: ranked.modelVersion,
          surface,
          servedAt,
        });
        const at = (seconds: number) =>
          new Date(Math.min(now.getTime(), servedAt.getTime() + seconds * 1000));
        const event = (type: OfferEventRow["type"], seconds: number) =>
          events.push({
            offerId,
            productId: offer.productId,
            modelVersion: ranked.modelVersion,
            surface,
            type,
            customerKey: sample.customerKey,
            occurredAt: at(seconds),
          });
        event("impression", 2);
        if (rng() >= CLICK_RATE) continue;
        event("click", 20);
        if (rng() >= ADD_RATE) continue;
        event("add", 25);
        if (rng() < BUY_RATE) {
          const orderedAt = at(300).toISOString();
          orders.push({
            externalId: `${ORDER_PREFIX}${orders.length + 1}`,
            orderedAt,
            updatedAt: orderedAt,
            customerKey: sample.customerKey,
            currency: CURRENCY,
            totalPrice: null,
            financialStatus: "paid",
            cancelledAt: null,
            test: false,
            refunds: [],
            lines: [
              {
                externalId: "1",
                productId: offer.productId,
                variantId: null,
                title: null,
                category: null,
                quantity: 1,
                currentQuantity: 1,
                unitPrice: prices.get(offer.productId) ?? "10.00",
                offerId,
              },
            ],
          });
        } else if (rng() < 0.3) {
          event("remove", 60);
        }
      }
    }
  }
  for (let i = 0; i < events.length; i += 5_000) {
    await insertOfferEvents(database, { shopId: shop.id, events: events.slice(i, i + 5_000) });
  }
  for (let i = 0; i < orders.length; i += 1_000) {
    await upsertOrderBatch(database, {
      shopId: shop.id,
      source: "shopify",
      orders: orders.slice(i, i + 1_000),
    });
  }
  return { checkouts, events: events.length, orders: orders.length };
}
