import type { Db, Prisma } from "~/db.server";
import { AppError } from "~/lib/errors";
import { experimentPlan } from "~/lib/experiments";
import { verifyOfferToken } from "~/lib/offer-token.server";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import { DiscountSettingsSchema, readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import {
  checkoutSurface,
  checkoutTime,
  dailyCheckouts,
  replayCheckout,
  type ServedOffer,
  startOfDay,
} from "~/lib/shopper-traffic";
import { type Exposure, recordExperiment } from "~/models/experiments.server";
import { insertOfferEvents, type OfferEventRow } from "~/models/offer-events.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { requireShop } from "~/models/shops.server";
import {
  deleteSimulatedActivity,
  foreignOrderCount,
  replayableOrders,
  setExposures,
} from "~/models/simulated-activity.server";
import { announceServingChange } from "~/serving/serving.server";
import { createRng } from "~ml";
import { getCheckoutOffers } from "./checkout-offers.server";
import { armOf, checkoutUnit, flushExposures } from "./experiment-arms.server";
import { MAX_EVENT_CART } from "./record-offer-events.server";
import { DEMO_SHOP } from "./seed-demo-shop.server";

/** Simulated orders carry this prefix, so a new simulation replaces the last one. */
export const SIMULATED_ORDER_PREFIX = "sim-";
const DAY_MS = 86_400_000;
/** A checkout's offers, events and order all lie this long before `now`. */
const SETTLE_MS = 15 * 60_000;
/** What the demo shop offers when its merchant never set discounts up: a small monthly budget. */
const DEMO_DISCOUNTS = { enabled: true, maxPercent: 15, defaultPercent: 10, monthlyBudget: 300 };
const CURRENCY = "USD";

export interface SimulatedActivity {
  checkouts: number;
  events: number;
  /** orders with a product bought from an offer */
  orders: number;
  /** every order the simulated checkouts placed, with an offer's product or not */
  checkoutOrders: number;
  /** checkouts shown offers, per model version that ranked them (null: the popularity fallback) */
  modelVersions: Array<{ modelVersion: number | null; checkouts: number }>;
  /** checkouts per experiment arm, the holdout (shown nothing) included */
  arms: Array<{ variant: string; checkouts: number }>;
  /** offers served with a personalized discount */
  discountedOffers: number;
}

/**
 * Shopper activity for the synthetic demo shop, so its performance and experiment pages have
 * something to show: for each of the last `days` days (busier at weekends, with a day's luck), made-up
 * checkouts replay the shop's own customers and carts through the checkout offers service, as the
 * checkout extension calls it, with the experiment and the discount policy. What a real checkout
 * leaves is written with the simulated times: offer events, experiment exposures, discount grants
 * and orders (through the webhooks' order upsert, lines carrying the offer id). Replaces an earlier
 * simulation and leaves the seeded history alone. Refuses any other shop, and a demo shop holding
 * orders the synthetic generator did not make: these are made-up shoppers.
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
    throw new AppError("BAD_REQUEST", "Only the synthetic demo shop gets simulated shoppers.");
  const shop = await requireShop(database, shopDomain);
  const prefix = { shopId: shop.id, simulatedPrefix: SIMULATED_ORDER_PREFIX };
  if ((await foreignOrderCount(database, prefix)) > 0)
    throw new AppError("CONFLICT", "The shop holds orders the synthetic generator did not make.");
  await deleteSimulatedActivity(database, prefix);
  const settings = await demoSettings(database, shop.id, shopDomain);
  const plan = experimentPlan(settings.experiment);

  const samples = await replayableOrders(database, { shopId: shop.id, limit: 2_000 });
  const result: SimulatedActivity = {
    checkouts: 0,
    events: 0,
    orders: 0,
    checkoutOrders: 0,
    modelVersions: [],
    arms: [],
    discountedOffers: 0,
  };
  if (samples.length === 0) return result;
  // What each customer buys anyway: offers of those products appeal to them.
  const liked = new Map<string, Set<string>>();
  for (const sample of samples) {
    if (!sample.customerKey) continue;
    const products = liked.get(sample.customerKey) ?? new Set<string>();
    for (const line of sample.lines) if (line.productId) products.add(line.productId);
    liked.set(sample.customerKey, products);
  }

  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const exposures = new Map<string, Exposure>();
  const versions = new Map<number | null, number>();
  const arms = new Map<string, number>();
  let orderCount = 0;
  const firstDay = startOfDay(now.getTime()) - (days - 1) * DAY_MS;
  for (let day = 0; day < days; day++) {
    const dayStart = firstDay + day * DAY_MS;
    const times = Array.from({ length: dailyCheckouts(checkoutsPerDay, dayStart, rng) }, () =>
      checkoutTime(dayStart, rng),
    ).sort((a, b) => a.getTime() - b.getTime());
    const events: OfferEventRow[] = [];
    const orders: OrderSnapshot[] = [];
    for (const servedAt of times) {
      const sample = pick(samples);
      const surface = checkoutSurface(rng);
      if (servedAt.getTime() > now.getTime() - SETTLE_MS) continue;
      const { customerKey } = sample;
      // The extension's own key for the checkout, deterministic so a re-run assigns the same arms.
      const unitKey = `sim-${seed}-${result.checkouts}`;
      const cart = [...new Set(sample.lines.flatMap((line) => (line.productId ? [line.productId] : [])))];
      const storefront = surface === "storefront";
      const shopperRng = createRng(Math.floor(rng() * 4_294_967_296));
      const served = await getCheckoutOffers(database, {
        shopDomain,
        customerKey,
        cart: cart.slice(0, 5),
        surface,
        // The storefront's app proxy sends no checkout key and may never get discounts.
        unitKey: storefront ? null : unitKey,
        mayDiscount: !storefront,
        servedAt,
      });
      result.checkouts += 1;
      if (served.experiment) {
        const { variant } = served.experiment;
        arms.set(variant, (arms.get(variant) ?? 0) + 1);
        const unit = customerKey ?? checkoutUnit(shopDomain, unitKey);
        if (!exposures.has(unit))
          exposures.set(unit, {
            shopId: shop.id,
            experimentId: served.experiment.id,
            unitKey: unit,
            variant,
            customerKey,
            segment: served.segment,
            noDiscounts: armOf({ shopDomain, plan, unit }).noDiscounts,
            firstSeenAt: servedAt,
          });
      }
      if (served.offers.length > 0)
        versions.set(served.modelVersion, (versions.get(served.modelVersion) ?? 0) + 1);
      const offers = served.offers.flatMap((offer): ServedOffer[] => {
        const claims = verifyOfferToken(offer.offerId, shopDomain);
        // The simulated shoppers buy in the shop's currency, at the shop's own price.
        const price = served.shopPrices?.[offer.productId]?.amount;
        if (!claims || price === undefined) return [];
        const { productId, modelVersion, discountPercent, experiment } = claims;
        return [
          {
            offerId: offer.offerId,
            productId,
            modelVersion,
            price,
            discountPercent,
            experiment,
          },
        ];
      });
      const replay = replayCheckout(
        {
          offers,
          surface,
          servedAt,
          customerKey,
          liked: (customerKey && liked.get(customerKey)) || new Set(),
          cart: sample.lines.flatMap((line) =>
            line.productId
              ? [
                  {
                    productId: line.productId,
                    title: line.title,
                    quantity: line.quantity,
                    unitPrice: line.unitPrice?.toString() ?? null,
                  },
                ]
              : [],
          ),
          currency: CURRENCY,
          orderId: () => `${SIMULATED_ORDER_PREFIX}${seed}-${++orderCount}`,
        },
        shopperRng,
      );
      // As the extension sends them: with the segment the offer carries and the checkout's products.
      const cartProductIds = cart.filter((id) => /^[\w-]+$/.test(id)).slice(0, MAX_EVENT_CART);
      events.push(...replay.events.map((event) => ({ ...event, segment: served.segment, cartProductIds })));
      orders.push(...replay.orders);
      result.orders += replay.offerOrders;
      result.discountedOffers += offers.filter((offer) => offer.discountPercent > 0).length;
    }
    // Day by day, so the discount policy sees the earlier days' outcomes.
    result.events += await insertOfferEvents(database, { shopId: shop.id, events });
    for (let i = 0; i < orders.length; i += 1_000) {
      await upsertOrderBatch(database, {
        shopId: shop.id,
        source: "shopify",
        orders: orders.slice(i, i + 1_000),
      });
    }
    result.checkoutOrders += orders.length;
  }
  // The exposures the service queued carry the clock's time; the replay's own times replace them.
  await flushExposures();
  if (exposures.size > 0) await recordExperiment(database, { shopId: shop.id, plan });
  await setExposures(database, [...exposures.values()]);
  result.modelVersions = [...versions].map(([modelVersion, checkouts]) => ({ modelVersion, checkouts }));
  result.arms = [...arms].sort().map(([variant, checkouts]) => ({ variant, checkouts }));
  return result;
}

/** Stands for the automatic discount the sync would create: the demo shop has no Shopify. */
const DEMO_DISCOUNT_ID = "gid://shopify/DiscountAutomaticNode/1";

/**
 * The demo shop's settings, with discounts turned on when its merchant never set them up, so the
 * simulation shows the discount policy at work, and a stand-in for its discount in Shopify, without
 * which no offer carries one.
 */
async function demoSettings(database: Db, shopId: string, shopDomain: string): Promise<ShopSettings> {
  const stored = await database.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { settings: true, offerDiscountId: true },
  });
  const settings = readShopSettings(stored.settings);
  const untouched = JSON.stringify(settings.discounts) === JSON.stringify(DiscountSettingsSchema.parse({}));
  const updated = untouched
    ? { ...settings, discounts: { ...settings.discounts, ...DEMO_DISCOUNTS } }
    : settings;
  const offerDiscountId = updated.discounts.enabled ? (stored.offerDiscountId ?? DEMO_DISCOUNT_ID) : null;
  if (!untouched && offerDiscountId === stored.offerDiscountId) return settings;
  await database.shop.update({
    where: { id: shopId },
    data: { settings: updated as unknown as Prisma.InputJsonValue, offerDiscountId },
  });
  // What every writer of a shop's settings does: serving reads them again.
  await announceServingChange(shopDomain);
  return updated;
}
