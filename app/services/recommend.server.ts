import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError, describeError } from "~/lib/errors";
import { readShopSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import { productsInCollections } from "~/models/collection-products.server";
import { loadLiveArtifact } from "~/models/model-versions.server";
import {
  catalogSignature,
  customerHistory,
  popularProducts,
  sellableProductIds,
  servingPointer,
} from "~/models/serving-data.server";
import { decodeEngine, type Engine, type EngineOffer } from "~ml";
import { requestTrainingSoon } from "./request-training.server";

export interface RecommendOptions {
  shopDomain: string;
  /** the shopper's customer key; null or absent for a guest */
  customerKey?: string | null;
  cart: readonly string[];
  k: number;
  /** "popularity" ranks by the shop's recent orders even with a live model (an experiment's variant) */
  ranking?: "model" | "popularity";
  /** the shopper's history as it stood at this moment (a preview of a past checkout); null: now */
  historyBefore?: Date | null;
}

export interface Recommendation {
  offers: EngineOffer[];
  /** the live model version that ranked the offers; null for the popularity fallback */
  modelVersion: number | null;
}

/** What one process keeps per shop, replaced as a whole by each refresh. */
interface ShopState {
  shopId: string;
  modelId: string | null;
  version: number | null;
  engine: Engine | null;
  /**
   * products never to offer: the merchant's excluded products, the products of the merchant's
   * excluded collections (as last synced), and the model's products not on sale
   */
  exclude: ReadonlySet<string>;
  /** the live version whose artifact could not be decoded, if any */
  undecodable: string | null;
  /** the model's products not on sale, as of the catalog signature */
  unsellable: ReadonlySet<string>;
  catalog: string;
  /** the fallback while the shop has no live model, and the ranking of popularity variants */
  popular: Array<{ productId: string; orders: number }>;
}

/** A shop's state as of `checkedAt`; null state: no such installed shop. */
interface Entry {
  state: ShopState | null;
  checkedAt: number;
}

const POPULAR_KEPT = 100;
const MAX_SHOPS = 1_000;
const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<Entry>>();

/**
 * Ranks offers for a checkout. The shop's live model is decoded once per process and kept; every
 * RECOMMEND_REFRESH_MS a request starts a background check of the live version, so a promotion or a
 * restore is served within seconds without a restart, and no request but a shop's first waits for a
 * load. The shopper's history is read at request time. Without a live model, the shop's most ordered
 * products of its last 90 days are offered, as they are to an experiment variant ranking by popularity.
 */
export async function recommend(
  database: Db,
  { shopDomain, customerKey, cart, k, ranking = "model", historyBefore = null }: RecommendOptions,
): Promise<Recommendation> {
  const state = await shopState(database, shopDomain);
  if (!state) throw new AppError("NOT_FOUND", "Unknown or uninstalled shop.");
  if (k <= 0) return { offers: [], modelVersion: state.version };
  // A popularity variant added seconds ago may find the popular list not loaded yet: the model serves.
  const byPopularity = ranking === "popularity" && (!state.engine || state.popular.length > 0);
  if (!state.engine || byPopularity) return { offers: popularOffers(state, cart, k), modelVersion: null };
  const history = customerKey
    ? await customerHistory({ shopId: state.shopId, customerKey, before: historyBefore })
    : [];
  // The same set every time: the engine reads it once per state (the cart it leaves out itself).
  const offers = state.engine.recommend({ cart, history, k, exclude: state.exclude });
  return { offers, modelVersion: state.version };
}

function popularOffers(state: ShopState, cart: readonly string[], k: number): EngineOffer[] {
  const top = state.popular[0]?.orders ?? 1;
  const offers: EngineOffer[] = [];
  for (const { productId, orders } of state.popular) {
    if (offers.length === k) break;
    if (state.exclude.has(productId) || cart.includes(productId)) continue;
    offers.push({
      productId,
      score: orders / top,
      reason: "Popular right now",
      reasonKind: "popular",
      reasonProductId: null,
      reasonProductTitle: null,
    });
  }
  return offers;
}

async function shopState(database: Db, shopDomain: string): Promise<ShopState | null> {
  const known = entries.get(shopDomain);
  if (!known) return (await (loading.get(shopDomain) ?? reload(database, shopDomain, null))).state;
  // Most recently used last, so the first key is the one to evict.
  entries.delete(shopDomain);
  entries.set(shopDomain, known);
  if (Date.now() - known.checkedAt >= env().RECOMMEND_REFRESH_MS && !loading.has(shopDomain)) {
    // Failures are logged by reload; the request goes on with what is known.
    reload(database, shopDomain, known.state).catch(() => {});
  }
  return known.state;
}

/** Loads a shop's state (reusing the decoded engine when the live version is the same) and keeps it. */
function reload(database: Db, shopDomain: string, previous: ShopState | null): Promise<Entry> {
  const checkedAt = Date.now();
  const load = loadState(database, shopDomain, previous)
    .catch((error: unknown) => {
      logger().error({ shop: shopDomain, error: describeError(error) }, "serving state refresh failed");
      if (!previous) throw error;
      return previous;
    })
    .then((state) => {
      const entry = { state, checkedAt };
      entries.delete(shopDomain);
      entries.set(shopDomain, entry);
      if (entries.size > MAX_SHOPS) entries.delete(entries.keys().next().value!);
      return entry;
    })
    .finally(() => loading.delete(shopDomain));
  loading.set(shopDomain, load);
  return load;
}

async function loadState(
  database: Db,
  shopDomain: string,
  previous: ShopState | null,
): Promise<ShopState | null> {
  const pointer = await servingPointer(database, shopDomain);
  if (!pointer) return null;
  let model = {
    id: previous?.modelId ?? null,
    version: previous?.version ?? null,
    engine: previous?.engine ?? null,
  };
  let undecodable = previous?.undecodable ?? null;
  // A live model retired without a successor (a customer erased, too little data left) stops serving.
  if (pointer.liveId === null) model = { id: null, version: null, engine: null };
  else if (pointer.liveId !== model.id && pointer.liveId !== undecodable) {
    const loaded = await loadModel(database, { shopDomain, shopId: pointer.shopId });
    if (loaded) model = loaded;
    else {
      // Not read again every refresh: a new training replaces it (an artifact of an older layout
      // after a release, or a damaged one), and meanwhile the previous model or popularity serves.
      undecodable = pointer.liveId;
      void requestTrainingSoon({ shopDomain, reason: "outdated" });
    }
  }
  const settings = readShopSettings(pointer.settings);
  const popularWanted =
    !model.engine || settings.experiment.variants.some((variant) => variant.ranking === "popularity");
  const [catalog, popular, inExcludedCollections] = await Promise.all([
    catalogSignature(pointer.shopId),
    popularWanted ? popularProducts(database, { shopId: pointer.shopId, limit: POPULAR_KEPT }) : [],
    productsInCollections({ shopId: pointer.shopId, collectionIds: settings.excludedCollectionIds }),
  ]);
  // The products on sale are read again only when the catalog or the model changed.
  let unsellable = previous?.unsellable ?? new Set<string>();
  if (!previous || previous.catalog !== catalog || previous.modelId !== model.id) {
    const sellable = await sellableProductIds(pointer.shopId);
    unsellable = new Set((model.engine?.productIds ?? []).filter((productId) => !sellable.has(productId)));
  }
  return {
    shopId: pointer.shopId,
    modelId: model.id,
    version: model.version,
    engine: model.engine,
    exclude: new Set([...settings.excludedProductIds, ...inExcludedCollections, ...unsellable]),
    unsellable,
    catalog,
    popular,
    undecodable,
  };
}

/**
 * Decodes the shop's live artifact; null when it cannot be decoded, which is logged (the caller
 * keeps what it serves and asks for a training).
 */
async function loadModel(
  database: Db,
  { shopDomain, shopId }: { shopDomain: string; shopId: string },
): Promise<{ id: string | null; version: number | null; engine: Engine | null } | null> {
  const artifact = await loadLiveArtifact(database, shopId);
  if (!artifact) return { id: null, version: null, engine: null };
  try {
    const engine = decodeEngine(artifact.bytes);
    logger().info({ shop: shopDomain, version: artifact.version }, "serving model loaded");
    return { id: artifact.id, version: artifact.version, engine };
  } catch (error) {
    logger().error(
      { shop: shopDomain, version: artifact.version, error: describeError(error) },
      "model artifact cannot be decoded; training a new one",
    );
    return null;
  }
}
