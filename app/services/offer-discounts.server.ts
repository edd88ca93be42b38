import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { tryEnqueue } from "~/jobs/queues.server";
import { describeError } from "~/lib/errors";
import type { DiscountSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import {
  availableCount,
  type IssuedCode,
  issuedValueSince,
  liveIssuedCode,
  takeCode,
  wantPool,
} from "~/models/discount-codes.server";
import { type LevelOutcomeRow, levelOutcomes } from "~/models/offer-events.server";
import { createRng, decideDiscount, type LevelOutcome } from "~ml";

/** How far back the policy looks at offers' outcomes, and how long a shop's tally is reused. */
const OUTCOMES_WINDOW_MS = 90 * 86_400_000;
const OUTCOMES_REFRESH_MS = 60_000;
/** A process asks for the same pool's replenishment at most this often. */
const REPLENISH_ASK_INTERVAL_MS = 30_000;
const MAX_SHOPS = 1_000;

export interface OfferDiscountRequest {
  shopId: string;
  shopDomain: string;
  settings: DiscountSettings;
  /** products of the collections in `settings.excludedCollectionIds`, as last synced */
  excludedByCollection: ReadonlySet<string>;
  /** the logged-in shopper, as the checkout session token says */
  customerKey: string;
  productId: string;
  /** the offered variant's price, a decimal string */
  price: string;
  /** signs the offer id with the discount it carries */
  signOffer: (discountPercent: number) => string;
}

export interface OfferDiscount {
  offerId: string;
  discount: IssuedCode | null;
}

/**
 * The discount for one offer to one logged-in shopper, with the offer id that records it. The
 * policy (ml/policy/discount-policy) picks the level from the product's logged outcomes; a code of
 * that level is then taken from the pool, in one transaction under a per-shop lock with the
 * monthly budget check, so concurrent checkouts never overspend it or share a code. The shopper's
 * live code for the product is given again rather than a second one. No Admin API call: an empty or
 * low pool asks the replenish job for more, and this offer goes without a discount. Any failure
 * degrades to no discount.
 */
export async function offerDiscount(database: Db, request: OfferDiscountRequest): Promise<OfferDiscount> {
  const none = () => ({ offerId: request.signOffer(0), discount: null });
  const { settings, productId } = request;
  const price = Number(request.price);
  if (!settings.enabled || settings.monthlyBudget <= 0) return none();
  if (settings.excludedProductIds.includes(productId) || request.excludedByCollection.has(productId))
    return none();
  if (!(price > 0)) return none();
  try {
    const outcomes = await productOutcomes(database, request.shopId, productId);
    const decide = (budgetLeft: number) =>
      decideDiscount({ price, unitCost: null, settings, outcomes, budgetLeft, rng: shopperRng(request) });
    // Most offers get no discount: decide without the lock first, with the whole budget as the bound.
    if (decide(settings.monthlyBudget).percent <= 0) return none();
    const issued = await issue(database, request, price, decide);
    if (issued.askForMore) requestCodes(database, request, issued.askForMore);
    return issued.grant ?? none();
  } catch (error) {
    logger().warn({ shop: request.shopDomain, error: describeError(error) }, "discount not issued");
    return none();
  }
}

interface Issued {
  grant: OfferDiscount | null;
  /** the pool to stock, when it ran low or dry */
  askForMore: number | null;
}

async function issue(
  database: Db,
  request: OfferDiscountRequest,
  price: number,
  decide: (budgetLeft: number) => { percent: number },
): Promise<Issued> {
  const { shopId, customerKey, productId, settings } = request;
  return database.$transaction(
    async (tx) => {
      // Serialises a shop's hand-outs: the budget check and the take see every earlier one. A
      // checkout that cannot get the lock soon goes without a discount rather than waiting.
      await tx.$executeRaw`SET LOCAL lock_timeout = '1s'`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`discounts:${shopId}`}, 0))`;
      const live = await liveIssuedCode(tx, { shopId, customerKey, productId });
      if (live)
        return { grant: { offerId: request.signOffer(live.percent), discount: live }, askForMore: null };
      const spent = await issuedValueSince(tx, { shopId, since: monthStart() });
      const budgetLeft = settings.monthlyBudget - spent;
      const { percent } = decide(budgetLeft);
      const value = Math.round(price * percent) / 100;
      if (percent <= 0 || value > budgetLeft) return { grant: null, askForMore: null };
      const offerId = request.signOffer(percent);
      const code = await takeCode(tx, {
        shopId,
        productId,
        percent,
        customerKey,
        offerId,
        value: value.toFixed(2),
      });
      if (!code) return { grant: null, askForMore: percent };
      const left = await availableCount(tx, { shopId, productId, percent });
      return {
        grant: { offerId, discount: code },
        askForMore: left < env().DISCOUNT_POOL_LOW_WATER ? percent : null,
      };
    },
    { maxWait: 2_000, timeout: 5_000 },
  );
}

const asked = new Map<string, number>();

/** Marks the pool wanted and asks for the replenish job without waiting for Redis. */
function requestCodes(database: Db, request: OfferDiscountRequest, percent: number) {
  const key = `${request.shopId}|${request.productId}|${percent}`;
  const now = Date.now();
  if (now - (asked.get(key) ?? 0) < REPLENISH_ASK_INTERVAL_MS) return;
  asked.set(key, now);
  if (asked.size > 10_000) asked.clear();
  void wantPool(database, { shopId: request.shopId, productId: request.productId, percent })
    .then(() =>
      tryEnqueue(
        "replenish-discount-codes",
        { shopDomain: request.shopDomain },
        { jobId: `discounts-${request.shopDomain}` },
      ),
    )
    .catch((error: unknown) =>
      logger().warn(
        { shop: request.shopDomain, error: describeError(error) },
        "discount codes not requested",
      ),
    );
}

/** The first instant of the current month, UTC: budgets are monthly. */
function monthStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * The policy's dice for one shopper, product and day: exploring levels differs between shoppers,
 * but one shopper sees one decision however often checkout asks.
 */
function shopperRng({ shopId, customerKey, productId }: OfferDiscountRequest) {
  const day = Math.floor(Date.now() / 86_400_000);
  const digest = createHash("sha256").update(`${shopId}|${customerKey}|${productId}|${day}`).digest();
  return createRng(digest.readUInt32BE(0));
}

interface OutcomeEntry {
  byProduct: Map<string, LevelOutcome[]>;
  loadedAt: number;
  refreshing: Promise<void> | null;
}

const outcomeEntries = new Map<string, OutcomeEntry>();

/**
 * The product's outcomes per discount level, from a per-shop tally kept in memory and refreshed in
 * the background every OUTCOMES_REFRESH_MS; only a shop's first request waits for it.
 */
async function productOutcomes(database: Db, shopId: string, productId: string): Promise<LevelOutcome[]> {
  let entry = outcomeEntries.get(shopId);
  if (!entry) {
    entry = { byProduct: await loadOutcomes(database, shopId), loadedAt: Date.now(), refreshing: null };
    outcomeEntries.set(shopId, entry);
    if (outcomeEntries.size > MAX_SHOPS) outcomeEntries.delete(outcomeEntries.keys().next().value!);
  } else if (Date.now() - entry.loadedAt >= OUTCOMES_REFRESH_MS && !entry.refreshing) {
    const current = entry;
    current.refreshing = loadOutcomes(database, shopId)
      .then((byProduct) => {
        current.byProduct = byProduct;
        current.loadedAt = Date.now();
      })
      .catch((error: unknown) =>
        logger().warn({ error: describeError(error) }, "discount outcomes refresh failed"),
      )
      .finally(() => {
        current.refreshing = null;
      });
  }
  return entry.byProduct.get(productId) ?? [];
}

async function loadOutcomes(database: Db, shopId: string): Promise<Map<string, LevelOutcome[]>> {
  const rows: LevelOutcomeRow[] = await levelOutcomes(database, {
    shopId,
    since: new Date(Date.now() - OUTCOMES_WINDOW_MS),
  });
  const byProduct = new Map<string, LevelOutcome[]>();
  for (const { productId, percent, impressions, takes } of rows) {
    const list = byProduct.get(productId) ?? [];
    list.push({ percent, impressions, takes });
    byProduct.set(productId, list);
  }
  return byProduct;
}
