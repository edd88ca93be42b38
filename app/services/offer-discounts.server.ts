import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { DISCOUNT_HISTORY_LABELS } from "~/lib/discount-history";
import { describeError } from "~/lib/errors";
import { discountExpiry, discountHonouredEverywhereUntil, verifyOfferToken } from "~/lib/offer-token.server";
import { SEGMENT_AUDIENCES, type Segment } from "~/lib/segments";
import type { DiscountSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import {
  committedSince,
  type LiveGrant,
  liveGrant,
  monthStart,
  recordGrant,
} from "~/models/offer-grants.server";
import { createRng, type DiscountHistory, decideDiscount } from "~ml";
import { shopDiscountModel } from "./shop-discount-model.server";

/** A shopper's grant is given again only if it has at least this long left in any shop. */
const REUSE_MARGIN_MS = 3_600_000;
/** The units an offer's discount covers: the extension adds one. */
const OFFER_QUANTITY = 1;

export interface OfferDiscountRequest {
  shopId: string;
  shopDomain: string;
  settings: DiscountSettings;
  /** products of the collections in `settings.excludedCollectionIds`, as last synced */
  excludedByCollection: ReadonlySet<string>;
  /** who the discount is for: a logged-in buyer's customer key, or a guest's checkout (guestHolder) */
  holder: string;
  /** the shopper's segment and discount history: what the policy knows of them; null: unknown */
  segment: Segment | null;
  discountHistory: DiscountHistory | null;
  productId: string;
  /** the offered variant, whose units the discount covers */
  variantId: string;
  /** the offered variant's price, a decimal string */
  price: string;
  /** the product's type, shared with the offers the model learned from; null: none */
  productType: string | null;
  /** what the offered variant costs the merchant, a decimal string; null: unknown */
  unitCost: string | null;
  /** signs the offer id with the discount it carries and the units it covers */
  signOffer: (discountPercent: number, quantity: number) => string;
  /** when the offer is served: now, but for a replay of past checkouts */
  now?: Date;
}

export interface OfferDiscount {
  offerId: string;
  /** 0 for none */
  percent: number;
}

/** A guest's holder: their checkout, hashed, so a checkout token is never stored. */
export function guestHolder(unitKey: string): string {
  return `checkout:${createHash("sha256").update(unitKey).digest("base64url").slice(0, 22)}`;
}

/**
 * The discount for one offer to one shopper, signed into the offer id that the discount function
 * (extensions/offer-discount) honours. The policy (ml/policy/discount-policy) picks the level from
 * the shop's discount model, which learns from every offer's outcomes how shoppers of each segment
 * respond to each level, and from the offer's own as they come; the grant is then recorded in one transaction under a per-shop
 * lock with the monthly budget check, so concurrent checkouts never overspend it: what orders
 * received this month plus what unredeemed, unexpired grants may still cost stays within the
 * budget. A shopper's live grant for the product is given again rather than a second one. No Admin
 * API call, and any failure degrades to no discount.
 */
export async function offerDiscount(database: Db, request: OfferDiscountRequest): Promise<OfferDiscount> {
  const none = () => ({ offerId: request.signOffer(0, 1), percent: 0 });
  const { settings, productId } = request;
  const price = Number(request.price);
  if (!settings.enabled || settings.monthlyBudget <= 0) return none();
  if (settings.excludedProductIds.includes(productId) || request.excludedByCollection.has(productId))
    return none();
  if (!(price > 0)) return none();
  try {
    const now = request.now ?? new Date();
    const policy = await policyFor(database, request);
    const decide = (budgetLeft: number) => policy(budgetLeft, shopperRng(request, now));
    // Most offers get no discount: decide without the lock first, with the whole budget as the bound.
    if (decide(settings.monthlyBudget).percent <= 0) return none();
    return (await grant(database, request, { price, now, decide })) ?? none();
  } catch (error) {
    logger().warn({ shop: request.shopDomain, error: describeError(error) }, "discount not granted");
    return none();
  }
}

/** Who the shopper is, in the explanation's words: "returning customers whose orders mostly carried a discount". */
function shoppersLabel({
  segment,
  discountHistory,
}: Pick<OfferDiscountRequest, "segment" | "discountHistory">): string | undefined {
  if (!segment) return undefined;
  const shoppers = SEGMENT_AUDIENCES[segment];
  return discountHistory ? `${shoppers} ${DISCOUNT_HISTORY_LABELS[discountHistory]}` : shoppers;
}

export type DiscountNoteRequest = Omit<OfferDiscountRequest, "holder" | "signOffer" | "variantId">;

/** What a shop's merchant reads of the policy's decision for one offer to one shopper. */
export interface DiscountNote {
  percent: number;
  explanation: string;
}

/**
 * The discount the policy would choose for each of these offers to one shopper, and why, in the
 * merchant's words: its best estimate, without a shopper's exploring draw, within what is left of
 * this month's budget (read once). Grants nothing (the admin's preview).
 */
export async function explainOfferDiscounts(
  database: Db,
  requests: readonly DiscountNoteRequest[],
): Promise<DiscountNote[]> {
  const first = requests[0];
  if (!first) return [];
  const now = first.now ?? new Date();
  const committed = await committedSince(database, { shopId: first.shopId, since: monthStart(now), now });
  return Promise.all(
    requests.map(async (request) => {
      const { settings, productId } = request;
      if (!settings.enabled) return { percent: 0, explanation: "No discount: discounts are turned off." };
      if (settings.excludedProductIds.includes(productId) || request.excludedByCollection.has(productId))
        return { percent: 0, explanation: "No discount: this product is excluded from discounts." };
      const decide = await policyFor(database, request);
      const { percent, explanation } = decide(settings.monthlyBudget - committed);
      return { percent, explanation };
    }),
  );
}

/** The policy's decision for this offer and shopper, given the budget left and the shopper's dice. */
async function policyFor(database: Db, request: DiscountNoteRequest) {
  const model = await shopDiscountModel(database, request.shopId);
  const { settings, productId } = request;
  return (budgetLeft: number, rng?: () => number) =>
    decideDiscount({
      price: Number(request.price),
      unitCost: parseCost(request.unitCost),
      settings,
      model,
      offer: { id: productId, category: request.productType },
      context: { segment: request.segment, discountHistory: request.discountHistory },
      shoppers: shoppersLabel(request),
      budgetLeft,
      rng,
    });
}

function parseCost(cost: string | null): number | null {
  return /^\d+(\.\d+)?$/.test(cost ?? "") ? Number(cost) : null;
}

/**
 * Whether a live grant is given again: while every shop's checkout will still honour it for a while,
 * for the variant offered now, within the current cap. Otherwise it stays counted until it expires,
 * and the shopper gets a fresh grant.
 */
function stillGiven(live: LiveGrant, request: OfferDiscountRequest, now: Date): boolean {
  const claims = verifyOfferToken(live.offerId, request.shopDomain);
  return (
    discountHonouredEverywhereUntil(live.grantedAt).getTime() > now.getTime() + REUSE_MARGIN_MS &&
    claims?.variantId === request.variantId &&
    live.percent <= request.settings.maxPercent
  );
}

async function grant(
  database: Db,
  request: OfferDiscountRequest,
  { price, now, decide }: { price: number; now: Date; decide: (budgetLeft: number) => { percent: number } },
): Promise<OfferDiscount | null> {
  const { shopId, holder, productId, settings } = request;
  return database.$transaction(
    async (tx) => {
      // Serialises a shop's grants: the budget check sees every earlier one. A checkout that cannot
      // get the lock soon goes without a discount rather than waiting.
      await tx.$executeRaw`SET LOCAL lock_timeout = '1s'`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`discounts:${shopId}`}, 0))`;
      const live = await liveGrant(tx, { shopId, holder, productId, now });
      if (live && stillGiven(live, request, now)) return { offerId: live.offerId, percent: live.percent };
      const committed = await committedSince(tx, { shopId, since: monthStart(now), now });
      const budgetLeft = settings.monthlyBudget - committed;
      const { percent } = decide(budgetLeft);
      // The most the function can take off: the percent of each covered unit, rounded to the cent.
      const value = (Math.round((Math.round(price * 100) * percent) / 100) * OFFER_QUANTITY) / 100;
      if (percent <= 0 || value > budgetLeft) return null;
      const offerId = request.signOffer(percent, OFFER_QUANTITY);
      await recordGrant(tx, {
        shopId,
        holder,
        productId,
        percent,
        quantity: OFFER_QUANTITY,
        value: value.toFixed(2),
        offerId,
        grantedAt: now,
        expiresAt: discountExpiry(now),
      });
      return { offerId, percent };
    },
    { maxWait: 2_000, timeout: 5_000 },
  );
}

/**
 * The policy's dice for one shopper, product and day: exploring levels differs between shoppers,
 * but one shopper sees one decision however often checkout asks.
 */
function shopperRng({ shopId, holder, productId }: OfferDiscountRequest, now: Date) {
  const day = Math.floor(now.getTime() / 86_400_000);
  const digest = createHash("sha256").update(`${shopId}|${holder}|${productId}|${day}`).digest();
  return createRng(digest.readUInt32BE(0));
}
