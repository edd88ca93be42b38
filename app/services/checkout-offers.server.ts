import { createHash } from "node:crypto";
import type { CheckoutOffer, OffersResponse } from "@checkout-upsell-ai/checkout-contract";
import type { Db } from "~/db.server";
import { AppError, describeError } from "~/lib/errors";
import { signOfferToken } from "~/lib/offer-token.server";
import type { Surface } from "~/lib/offers";
import { reasonText } from "~/lib/reason-text";
import { segmentTreatment } from "~/lib/segment-treatment";
import type { Segment } from "~/lib/segments";
import { gid } from "~/lib/shopify-ids";
import { logger } from "~/logger.server";

import { type DemotedOffer, rankOffers } from "~/serving/rank-offers.server";
import { servingState } from "~/serving/serving.server";
import { readShopper } from "~/serving/shopper-segment.server";
import { assignArm } from "./experiment-arms.server";
import {
  type DiscountNote,
  type DiscountNoteRequest,
  explainOfferDiscounts,
  guestHolder,
  offerDiscount,
} from "./offer-discounts.server";

export interface CheckoutOffersOptions {
  shopDomain: string;
  customerKey: string | null;
  /** the logged-in buyer's numeric customer id, to bind their discounts to them */
  customerId?: string | null;
  /** numeric product ids of the cart */
  cart: readonly string[];
  surface: Surface;
  /** the shopper's language, for the reasons' wording */
  locale?: string | null;
  /** the checkout's own key, for a guest's experiment assignment (a logged-in buyer's is their customer key) */
  unitKey?: string | null;
  /**
   * false for a merchant's preview or an operator's query: served outside the experiment, counted
   * in none, and free to show products known only from order files (which a real cart cannot take)
   */
  inExperiment?: boolean;
  /**
   * Whether the caller may receive discounts: a checkout session token's buyer, logged in or a
   * guest, never a storefront (app proxy) request, whose caller anyone can be.
   */
  mayDiscount?: boolean;
  /** rank with the shopper's history as it stood at this moment (a preview of a past order); null: now */
  historyBefore?: Date | null;
  /** at most this many offers instead of the shop's maxOffers (an operator's query) */
  limit?: number;
  /** when the offers are served, as their ids record it: now, but for a replay of past checkouts */
  servedAt?: Date;
  /** with the discount the policy would choose for each offer and why, granting nothing (the preview) */
  explainDiscounts?: boolean;
}

/**
 * What a checkout is served, with what the merchant's preview shows besides: the shopper's segment
 * that decided its treatment (null when nothing is served whatever the segment, or it could not be
 * read) and the offers moved down because shoppers ignore them.
 */
export type ServedOffers = OffersResponse & {
  segment: Segment | null;
  demoted?: DemotedOffer[];
  /** per offered product id: the discount the policy would choose for this shopper, and why */
  discountNotes?: Record<string, DiscountNote>;
  /** per offered product id: its price in the shop's own currency, for the merchant's preview */
  shopPrices?: Record<string, ShopPrice>;
};

/** A price as the shop sets it, before any market's: what the merchant's preview shows. */
export interface ShopPrice {
  amount: string;
  compareAtAmount: string | null;
  /** null until the shop's currency is known (from its latest Shopify order) */
  currencyCode: string | null;
}

/**
 * The answer as the checkout and the storefront receive it: no segment by name, no demotions (the
 * segment's one-letter code rides in each offer id, for its events) and no prices, which they read
 * from Shopify in the buyer's market.
 */
export function wireOffers({
  segment: _segment,
  demoted: _demoted,
  discountNotes: _discountNotes,
  shopPrices: _shopPrices,
  ...response
}: ServedOffers): OffersResponse {
  return response;
}

const NOT_LIVE_NOTE =
  "No discount: the shop's offer discount is not active in Shopify, so checkout gives none until it is.";

/** The share of checkouts that still see the offers shoppers ignore in their ranked place. */
const EXPLORE_SHARE = 0.1;

/** Surfaces where the extension adds an offered line to the checkout, which the discount function sees. */
const DISCOUNT_SURFACES: ReadonlySet<Surface> = new Set(["checkout", "cart-line-list"]);

/**
 * Offers for a shopper's cart, up to the shop's maxOffers, each with what the extension shows and
 * a signed offer id; none on a surface the shop turned off. The shopper's segment (app/lib/segments)
 * sets how many offers, the largest discount and the merchant's message, or that the segment sees
 * none. The shop's serving state (app/serving) says what may be offered and ranks it; this adds the
 * experiment's arm, the offer ids and, for a
 * checkout's buyer, a personalized discount signed into each offer id (offerDiscount, whose grant
 * is the only write); the discount function gives it once the offered line is in the cart.
 * An arm the guardrail paused is served nothing, like the holdout. No Admin API call, and a warm
 * request without discounts reads nothing but the shopper's history.
 */
export async function getCheckoutOffers(
  database: Db,
  {
    shopDomain,
    customerKey,
    customerId = null,
    cart,
    surface,
    locale,
    unitKey,
    inExperiment = true,
    mayDiscount = false,
    historyBefore = null,
    limit,
    servedAt = new Date(),
    explainDiscounts = false,
  }: CheckoutOffersOptions,
): Promise<ServedOffers> {
  const shop = await servingState(shopDomain);
  if (!shop) throw new AppError("NOT_FOUND", "Unknown or uninstalled shop.");
  if (!shop.settings.enabled || !shop.settings.surfaces.includes(surface))
    return { offers: [], modelVersion: null, experiment: null, segment: null };
  // One statement reads the shopper's segment and the history the ranking reads.
  const shopper = await readShopper(shop, { customerKey, historyBefore }).catch((error: unknown) => {
    // Without them the shop's own settings serve, and the ranking reads the history again.
    logger().warn({ shop: shopDomain, error: describeError(error) }, "shopper not read");
    return null;
  });
  const segment = shopper?.segment ?? null;
  const discountHistory = shopper?.discountHistory ?? null;
  const treatment = segmentTreatment(shop.settings, segment, locale);
  // A segment without offers is outside the experiment too: its checkouts would dilute every arm alike.
  if (!treatment.offers) return { offers: [], modelVersion: null, experiment: null, segment };
  const { shopId, plan } = shop;
  const arm = inExperiment
    ? assignArm(database, { shopId, shopDomain, plan, customerKey, unitKey, segment })
    : null;
  if (arm && !arm.variant) return { offers: [], modelVersion: null, experiment: arm.experiment, segment };
  // A paused arm hurt checkout completion: it is served what the holdout is, nothing, and stays in
  // the report under its own name.
  if (arm?.variant && shop.paused.has(arm.variant.key))
    return { offers: [], modelVersion: null, experiment: arm.experiment, segment };
  const variant = arm?.variant ?? null;
  const ranked = await rankOffers(shop, {
    customerKey,
    cart,
    k: limit ?? treatment.maxOffers,
    ranking: variant?.ranking ?? "model",
    caller: inExperiment ? "checkout" : "preview",
    historyBefore,
    // A preview shows the demotion itself; checkouts explore a share of the time.
    explore: inExperiment && explores(customerKey ?? unitKey ?? null, servedAt),
    history: shopper?.history,
  });
  const holder = customerKey ?? (unitKey ? guestHolder(unitKey) : null);
  // A discount is offered only where Shopify will give it: the shop's discount runs our function.
  // The arm's no-discount slice is offered none, so the report can measure what discounts add.
  const discountsFor =
    mayDiscount &&
    holder &&
    shop.discountLive &&
    DISCOUNT_SURFACES.has(surface) &&
    (variant?.discounts ?? true) &&
    !arm?.noDiscounts
      ? holder
      : null;
  const experiment = arm && variant ? { id: arm.experiment.id, variant: variant.index } : null;
  const { discounts } = shop.settings;
  const maxPercent = treatment.maxDiscountPercent;
  const discountSettings = {
    ...discounts,
    maxPercent,
    defaultPercent: Math.min(discounts.defaultPercent, maxPercent),
  };
  const offers: CheckoutOffer[] = [];
  const shopPrices: Record<string, ShopPrice> = {};
  const noteRequests: DiscountNoteRequest[] = [];
  for (const offer of ranked.offers) {
    const { product } = offer;
    const variantId = signableVariant(product.variantId);
    const signOffer = (discountPercent: number, quantity: number) =>
      signOfferToken({
        shopDomain,
        productId: product.productId,
        variantId,
        modelVersion: ranked.modelVersion,
        surface,
        servedAt,
        discountPercent,
        experiment,
        quantity,
        customerId: discountPercent > 0 && customerKey ? customerId : null,
        segment,
        discountHistory,
      });
    const discountRequest = {
      shopId,
      shopDomain,
      settings: discountSettings,
      segment,
      discountHistory,
      excludedByCollection: shop.notDiscounted,
      productId: product.productId,
      price: product.price,
      productType: product.productType,
      unitCost: product.unitCost,
      now: servedAt,
    };
    const { offerId, percent } =
      discountsFor && variantId
        ? await offerDiscount(database, { ...discountRequest, holder: discountsFor, variantId, signOffer })
        : { offerId: signOffer(0, 1), percent: 0 };
    noteRequests.push(discountRequest);
    offers.push({
      offerId,
      productId: gid("Product", product.productId),
      variantId: gid("ProductVariant", product.variantId),
      title: product.title,
      imageUrl: product.imageUrl,
      reason: reasonText(offer, locale),
      reasonKind: offer.reasonKind,
      discount: percent > 0 ? { percent } : null,
    });
    shopPrices[gid("Product", product.productId)] = {
      amount: product.price,
      compareAtAmount: product.compareAtPrice,
      currencyCode: shop.currency,
    };
  }
  // A shop with discounts off has nothing to explain; one whose discount Shopify does not run, why
  // checkout gives none.
  const discountNotes: Record<string, DiscountNote> = {};
  if (explainDiscounts && discounts.enabled) {
    const notes = shop.discountLive
      ? await explainOfferDiscounts(database, noteRequests)
      : noteRequests.map(() => ({ percent: 0, explanation: NOT_LIVE_NOTE }));
    noteRequests.forEach((request, i) => {
      discountNotes[gid("Product", request.productId)] = notes[i]!;
    });
  }
  const heading = shop.settings.headings[(locale ?? "").slice(0, 2).toLowerCase()];
  const message = offers.length > 0 ? treatment.message : null;
  return {
    offers,
    modelVersion: ranked.modelVersion,
    experiment: arm?.experiment ?? null,
    ...(heading ? { heading } : {}),
    ...(message ? { message } : {}),
    segment,
    demoted: ranked.demoted,
    shopPrices,
    ...(explainDiscounts ? { discountNotes } : {}),
  };
}

/**
 * Whether a checkout ranks the offers shoppers ignore where the ranking puts them: a stable tenth of
 * shoppers each day, so a pair that becomes worth showing again can earn its clicks back.
 */
function explores(unit: string | null, servedAt: Date): boolean {
  if (!unit) return Math.random() < EXPLORE_SHARE;
  const day = Math.floor(servedAt.getTime() / 86_400_000);
  return (
    createHash("sha256").update(`explore|${unit}|${day}`).digest().readUInt32BE(0) / 2 ** 32 < EXPLORE_SHARE
  );
}

/** A Shopify variant id the offer id can name; null for another (an imported file's). */
function signableVariant(variantId: string): string | null {
  return /^\d{1,16}$/.test(variantId) && Number.isSafeInteger(Number(variantId)) ? variantId : null;
}
