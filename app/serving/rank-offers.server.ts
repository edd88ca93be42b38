import type { OfferProduct } from "~/models/offer-catalog.server";
import type { EngineOffer, HistoryEntry } from "~ml";
import type { ShopState } from "./shop-state.server";
import { readShopper } from "./shopper-segment.server";

export interface RankRequest {
  /** the shopper's customer key; null for a guest */
  customerKey: string | null;
  cart: readonly string[];
  k: number;
  /** "popularity" ranks by the shop's recent orders even with a live model (an experiment's variant) */
  ranking: "model" | "popularity";
  /** a shopper's checkout, or a merchant's preview or an operator's query (file products allowed) */
  caller: "checkout" | "preview";
  /** the shopper's history as it stood at this moment (a preview of a past checkout); null: now */
  historyBefore: Date | null;
  /** rank the offers shoppers ignore beside the cart where the ranking puts them (exploration) */
  explore?: boolean;
  /** the shopper's history, when the caller read it already */
  history?: readonly HistoryEntry[];
}

/** An offer the cart's products have shoppers ignore, and whether it still made the list. */
export interface DemotedOffer {
  productId: string;
  cartProductId: string;
  /** how often it was shown beside that product, unanswered */
  impressions: number;
  /** false when better offers filled the list */
  shown: boolean;
}

export type RankedOffer = Omit<EngineOffer, "score"> & { product: OfferProduct };

export interface Ranking {
  offers: RankedOffer[];
  /** the live model version that ranked the offers; null for popularity */
  modelVersion: number | null;
  /** the ignored offers moved to the end of the list; none when exploring */
  demoted: DemotedOffer[];
}

/** The most ignored offers a checkout asks the ranking for beyond k, to put others before them. */
const DEMOTED_EXTRA = 10;

/**
 * Up to k offerable products for a checkout, best first: the live model's ranking of the shopper's
 * cart and history, or the shop's popular products without a model or for a popularity variant.
 * Every exclusion was decided when the state was loaded, so the engine is asked for exactly k, plus
 * the offers shoppers ignore beside the cart's products, which go last unless the checkout explores.
 */
export async function rankOffers(state: ShopState, request: RankRequest): Promise<Ranking> {
  const { model } = state;
  if (request.k <= 0) return { offers: [], modelVersion: model?.version ?? null, demoted: [] };
  const ignored = request.explore ? new Map() : ignoredFor(state, request.cart);
  const wanted = { ...request, k: request.k + Math.min(ignored.size, DEMOTED_EXTRA) };
  // A popularity variant added seconds ago may find the popular list not loaded yet: the model serves.
  const byPopularity = request.ranking === "popularity" && state.popular.length > 0;
  if (!model || byPopularity) return demote(popularOffers(state, wanted), ignored, request.k, null);
  const history =
    request.history ??
    (request.customerKey
      ? (await readShopper(state, { customerKey: request.customerKey, historyBefore: request.historyBefore }))
          .history
      : []);
  const ranked = model.engine.recommend({
    cart: request.cart,
    history,
    k: wanted.k,
    exclude: excludedFor(state, request),
  });
  const offers = ranked.flatMap(({ score: _score, ...offer }) => {
    const product = state.offerable.get(offer.productId);
    return product ? [{ ...offer, product }] : [];
  });
  return demote(offers, ignored, request.k, model.version);
}

/** Per offer shoppers ignore beside one of the cart's products: that product and how often. */
function ignoredFor(state: ShopState, cart: readonly string[]) {
  const ignored = new Map<string, { cartProductId: string; impressions: number }>();
  for (const cartProductId of cart) {
    for (const [productId, impressions] of state.demoted.get(cartProductId) ?? []) {
      if ((ignored.get(productId)?.impressions ?? 0) < impressions)
        ignored.set(productId, { cartProductId, impressions });
    }
  }
  return ignored;
}

/** The first k offers with the ignored ones after all others, in the ranking's order otherwise. */
function demote(
  offers: RankedOffer[],
  ignored: ReadonlyMap<string, { cartProductId: string; impressions: number }>,
  k: number,
  modelVersion: number | null,
): Ranking {
  if (ignored.size === 0) return { offers: offers.slice(0, k), modelVersion, demoted: [] };
  const kept = offers.filter((offer) => !ignored.has(offer.productId));
  const last = offers.filter((offer) => ignored.has(offer.productId));
  const listed = [...kept, ...last].slice(0, k);
  const demoted = last.map((offer) => ({
    productId: offer.productId,
    ...ignored.get(offer.productId)!,
    shown: listed.includes(offer),
  }));
  return { offers: listed, modelVersion, demoted };
}

/**
 * What this checkout must not be offered: the shop's exclusions for the caller, and the products the
 * merchant blocked with one of the cart's. The shared set when the cart blocks nothing, so the
 * engine reads it once for all checkouts.
 */
function excludedFor(state: ShopState, { cart, caller }: Pick<RankRequest, "cart" | "caller">) {
  const base = state.exclude[caller];
  const blocked = cart.flatMap((productId) => [...(state.blocked.get(productId) ?? [])]);
  return blocked.length === 0 ? base : new Set([...base, ...blocked]);
}

function popularOffers(state: ShopState, request: RankRequest): RankedOffer[] {
  const { cart, k } = request;
  const excluded = excludedFor(state, request);
  const offers: RankedOffer[] = [];
  for (const { productId } of state.popular) {
    if (offers.length === k) break;
    const product = state.offerable.get(productId);
    if (!product || excluded.has(productId) || cart.includes(productId)) continue;
    offers.push({
      productId,
      product,
      reasonKind: "popular",
      reasonProductId: null,
      reasonProductTitle: null,
    });
  }
  return offers;
}
