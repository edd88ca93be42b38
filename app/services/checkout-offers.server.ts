import type { CheckoutOffer, OffersResponse } from "@checkout-upsell-ai/checkout-contract";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/lib/errors";
import { type ExperimentPlan, experimentPlan } from "~/lib/experiments";
import { signableProductId, signOfferToken } from "~/lib/offer-token.server";
import type { Surface } from "~/lib/offers";
import { reasonText } from "~/lib/reason-text";
import { readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import { gid } from "~/lib/shopify-ids";
import { productsInCollections } from "~/models/collection-products.server";
import { pausedArms } from "~/models/experiment-outcomes.server";
import { type OfferProduct, offerProducts, offerShopContext } from "~/models/offer-catalog.server";
import { catalogSignature } from "~/models/serving-data.server";
import type { EngineOffer } from "~ml";
import { assignArm } from "./experiment-arms.server";
import { offerDiscount } from "./offer-discounts.server";
import { recommend } from "./recommend.server";

export interface CheckoutOffersOptions {
  shopDomain: string;
  customerKey: string | null;
  /** numeric product ids of the cart */
  cart: readonly string[];
  surface: Surface;
  /** the buyer's currency: used only when the shop's own is not known yet */
  currency?: string | null;
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
   * Whether the caller may receive discount codes: only a checkout session token's logged-in buyer,
   * never a storefront (app proxy) request, whose caller anyone can be.
   */
  mayIssueCodes?: boolean;
  /** rank with the shopper's history as it stood at this moment (a preview of a past order); null: now */
  historyBefore?: Date | null;
  /** at most this many offers instead of the shop's maxOffers (an operator's query) */
  limit?: number;
  /** when the offers are served, as their ids record it: now, but for a replay of past checkouts */
  servedAt?: Date;
}

/** Surfaces where the extension can apply a code to the checkout. */
const CODE_SURFACES: ReadonlySet<Surface> = new Set(["checkout", "cart-line-list"]);

interface ShopContext {
  shopId: string;
  settings: ShopSettings;
  plan: ExperimentPlan;
  /** keys of the variants the guardrail paused */
  paused: ReadonlySet<string>;
  /** products of the collections the merchant never discounts, as last synced */
  notDiscounted: ReadonlySet<string>;
  currency: string | null;
  /** the catalog is an imported history's, known only from order files */
  fileCatalog: boolean;
}

interface ShopEntry {
  context: ShopContext | null;
  loadedAt: number;
  /** the catalog signature the products were read under (catalogSignature) */
  catalog: string | null;
  /** offered products' details (null: not offerable), kept until the catalog changes */
  products: Map<string, OfferProduct | null>;
}

const MAX_SHOPS = 1_000;
const MAX_PRODUCTS_PER_SHOP = 10_000;
const entries = new Map<string, ShopEntry>();

/**
 * Offers for a shopper's cart, up to the shop's maxOffers, each with what the extension shows and
 * a signed offer id; none on a surface the shop turned off. Ranking is recommend()'s (the live
 * model, or the popularity fallback); a ranked product is offered only when it has an available
 * variant with a price and none of the shop's excluded tags. A logged-in checkout buyer may also get
 * a single-use discount code per offer (offerDiscount), the only write. An arm the guardrail paused
 * is served nothing, like the holdout. No Admin API call: a shop's settings, its experiment's paused
 * arms and the products of the collections it never discounts are kept in memory for
 * RECOMMEND_REFRESH_MS, and the details of offered products until a refresh finds the catalog
 * changed, so a warm request without discounts costs recommend()'s work and rarely a query.
 */
export async function getCheckoutOffers(
  database: Db,
  {
    shopDomain,
    customerKey,
    cart,
    surface,
    currency,
    locale,
    unitKey,
    inExperiment = true,
    mayIssueCodes = false,
    historyBefore = null,
    limit,
    servedAt = new Date(),
  }: CheckoutOffersOptions,
): Promise<OffersResponse> {
  const entry = await shopEntry(database, shopDomain);
  const shop = entry.context;
  if (!shop) throw new AppError("NOT_FOUND", "Unknown or uninstalled shop.");
  const currencyCode = shop.currency ?? currency ?? null;
  // Without a currency a price cannot be shown; it is known once the shop has a Shopify order.
  if (!shop.settings.enabled || !shop.settings.surfaces.includes(surface) || currencyCode === null)
    return { offers: [], modelVersion: null, experiment: null };
  const { shopId, plan } = shop;
  const arm = inExperiment ? assignArm(database, { shopId, shopDomain, plan, customerKey, unitKey }) : null;
  if (arm && !arm.variant) return { offers: [], modelVersion: null, experiment: arm.experiment };
  // A paused arm hurt checkout completion: it is served what the holdout is, nothing, and stays in
  // the report under its own name.
  if (arm?.variant && shop.paused.has(arm.variant.key))
    return { offers: [], modelVersion: null, experiment: arm.experiment };
  const variant = arm?.variant ?? null;
  const excludedTags = new Set(shop.settings.excludedTags.map(normalizeTag));
  const wanted = limit ?? shop.settings.maxOffers;
  // A few spare candidates for ranked products that turn out not to be offerable.
  const ranked = await recommend(database, {
    shopDomain,
    customerKey,
    cart,
    k: Math.max(wanted, Math.min(wanted * 3, 30)),
    ranking: variant?.ranking ?? "model",
    historyBefore,
  });
  const products = await productsOf(entry, shop.shopId, ranked.offers);
  const offers: CheckoutOffer[] = [];
  const discounts = shop.settings.discounts;
  const discountsFor =
    mayIssueCodes && customerKey && CODE_SURFACES.has(surface) && (variant?.discounts ?? true)
      ? customerKey
      : null;
  const experiment = arm && variant ? { id: arm.experiment.id, variant: variant.index } : null;
  for (const offer of ranked.offers) {
    if (offers.length === wanted) break;
    const product = products.get(offer.productId);
    if (!product || product.tags.some((tag) => excludedTags.has(normalizeTag(tag)))) continue;
    // A product known only from an order file is in no Shopify catalog and no real cart can take
    // it: only a shop whose whole catalog came from files shows it, to a merchant's preview or an
    // operator's query, and only when an offer id can carry its id.
    if (product.fromFile && (inExperiment || !shop.fileCatalog || !signableProductId(product.productId)))
      continue;
    const signOffer = (discountPercent: number) =>
      signOfferToken({
        shopDomain,
        productId: product.productId,
        modelVersion: ranked.modelVersion,
        surface,
        servedAt,
        discountPercent,
        experiment,
      });
    const { offerId, discount } = discountsFor
      ? await offerDiscount(database, {
          shopId: shop.shopId,
          shopDomain,
          settings: discounts,
          excludedByCollection: shop.notDiscounted,
          customerKey: discountsFor,
          productId: product.productId,
          price: product.price,
          signOffer,
        })
      : { offerId: signOffer(0), discount: null };
    offers.push({
      offerId,
      productId: gid("Product", product.productId),
      variantId: gid("ProductVariant", product.variantId),
      title: product.title,
      imageUrl: product.imageUrl,
      price: { amount: product.price, currencyCode },
      compareAtPrice: product.compareAtPrice ? { amount: product.compareAtPrice, currencyCode } : null,
      reason: reasonText(offer, locale),
      reasonKind: offer.reasonKind,
      discount,
      discountedPrice: discount
        ? { amount: discountedAmount(product.price, discount.percent), currencyCode }
        : null,
    });
  }
  const heading = shop.settings.headings[(locale ?? "").slice(0, 2).toLowerCase()];
  return {
    offers,
    modelVersion: ranked.modelVersion,
    experiment: arm?.experiment ?? null,
    ...(heading ? { heading } : {}),
  };
}

/** The price with the percent off, rounded to the cent as Shopify rounds a line's discount. */
function discountedAmount(price: string, percent: number): string {
  const cents = Math.round(Number(price) * 100);
  return ((cents - Math.round((cents * percent) / 100)) / 100).toFixed(2);
}

/** Shopify compares tags without regard to case or surrounding spaces. */
function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

async function shopEntry(database: Db, shopDomain: string): Promise<ShopEntry> {
  const now = Date.now();
  const known = entries.get(shopDomain);
  entries.delete(shopDomain);
  if (known && now - known.loadedAt < env().RECOMMEND_REFRESH_MS) {
    entries.set(shopDomain, known);
    return known;
  }
  const row = await offerShopContext(database, shopDomain);
  const settings = row ? readShopSettings(row.settings) : null;
  const plan = settings ? experimentPlan(settings.experiment) : null;
  const [paused, notDiscounted, catalog] =
    row && settings && plan
      ? await Promise.all([
          pausedArms(database, { shopId: row.shopId, experimentId: plan.id }),
          settings.discounts.enabled
            ? productsInCollections({
                shopId: row.shopId,
                collectionIds: settings.discounts.excludedCollectionIds,
              })
            : new Set<string>(),
          catalogSignature(row.shopId),
        ])
      : [[], new Set<string>(), null];
  const context =
    row && settings && plan
      ? {
          shopId: row.shopId,
          settings,
          plan,
          paused: new Set(paused.map((arm) => arm.variant)),
          notDiscounted,
          currency: row.currency,
          fileCatalog: row.fileCatalog,
        }
      : null;
  // Product details survive a refresh unless the shop or anything in its catalog changed (every
  // write of a product or its variants changes the signature).
  const unchanged = known && known.context?.shopId === context?.shopId && known.catalog === catalog;
  const products = unchanged ? known.products : new Map<string, OfferProduct | null>();
  const entry = { context, loadedAt: now, catalog, products };
  entries.set(shopDomain, entry);
  if (entries.size > MAX_SHOPS) entries.delete(entries.keys().next().value!);
  return entry;
}

/** Details of the ranked products, from memory when known, the rest in one query. */
async function productsOf(
  entry: ShopEntry,
  shopId: string,
  ranked: readonly EngineOffer[],
): Promise<Map<string, OfferProduct>> {
  const found = new Map<string, OfferProduct>();
  const missing: string[] = [];
  for (const { productId } of ranked) {
    const cached = entry.products.get(productId);
    if (cached === undefined) missing.push(productId);
    else if (cached) found.set(productId, cached);
  }
  if (missing.length === 0) return found;
  const loaded = await offerProducts({ shopId, productIds: missing });
  if (entry.products.size + missing.length > MAX_PRODUCTS_PER_SHOP) entry.products.clear();
  const byId = new Map(loaded.map((product) => [product.productId, product]));
  for (const productId of missing) {
    const product = byId.get(productId);
    entry.products.set(productId, product ?? null);
    if (product) found.set(productId, product);
  }
  return found;
}
