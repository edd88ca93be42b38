import type { Db } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type ExperimentPlan, experimentPlan } from "~/lib/experiments";
import { signableProductId } from "~/lib/offer-token.server";
import { type SegmentRules, segmentRules } from "~/lib/segments";
import { readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import { productsInCollections } from "~/models/collection-products.server";
import { pausedArms } from "~/models/experiment-outcomes.server";
import { loadLiveArtifact } from "~/models/model-versions.server";
import { type OfferProduct, offerableProducts } from "~/models/offer-catalog.server";
import { popularProducts, servingPointer, servingSignatures } from "~/models/serving-data.server";
import { requestTrainingSoon } from "~/services/request-training.server";
import { shopSegments } from "~/services/shop-segments.server";
import { decodeEngine, type Engine } from "~ml";

/** The live model a shop serves, decoded once per process. */
export interface LiveModel {
  id: string;
  version: number;
  engine: Engine;
}

/**
 * Everything a checkout of one shop reads, as of one load, never changed afterwards: a load makes a
 * new state (reusing the parts of the previous one that did not change).
 */
export interface ShopState {
  shopId: string;
  settings: ShopSettings;
  plan: ExperimentPlan;
  /** keys of the variants the guardrail paused */
  paused: ReadonlySet<string>;
  /** the shop currency, once a Shopify order has told it */
  currency: string | null;
  /** the shop's discount runs the offer discount function in Shopify: offers may carry discounts */
  discountLive: boolean;
  /** the catalog is an imported history's, known only from order files */
  fileCatalog: boolean;
  /** null: no live model (or none that decodes), so popularity serves */
  model: LiveModel | null;
  /** the live version whose artifact could not be decoded, not tried again until it changes */
  undecodable: string | null;
  signatures: { catalog: string; collections: string };
  /** the catalog's offerable products before the merchant's exclusions, kept while it is unchanged */
  catalog: ReadonlyMap<string, OfferProduct>;
  /** the products that may be offered, after every exclusion of the shop's settings */
  offerable: ReadonlyMap<string, OfferProduct>;
  /**
   * What the model must leave out, one set per kind of caller, read once by the engine: a shopper's
   * checkout never sees a product known only from a file; a preview or an operator's query of a
   * shop whose whole catalog came from files does, when an offer id can carry its id.
   */
  exclude: { checkout: ReadonlySet<string>; preview: ReadonlySet<string> };
  /** offerable products by their orders of the last 90 days: the fallback and the popularity variant */
  popular: ReadonlyArray<{ productId: string; orders: number }>;
  /** products of the collections the merchant never discounts */
  notDiscounted: ReadonlySet<string>;
  /** per cart product, the products the merchant never wants offered with it */
  blocked: ReadonlyMap<string, ReadonlySet<string>>;
  /** per cart product, the offers shoppers ignore beside it, with how often they were shown there */
  demoted: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** the inputs the exclusions were built from, to tell whether they must be built again */
  excludedBy: string;
  segments: ShopSegments;
}

/** How the shop's shoppers are put in segments (app/services/shop-segments.server.ts). */
export interface ShopSegments {
  rules: SegmentRules;
  /** the moment segments are read at: null for now, an imported history's end for such a shop */
  clock: Date | null;
}

const POPULAR_KEPT = 100;

/**
 * A shop's serving state, reusing the previous one's decoded model, offerable products and
 * exclusions where the live version, the catalog, the collections and the settings are unchanged:
 * a refresh of an unchanged shop costs four small queries. Null: no such installed shop.
 */
export async function loadShopState(
  database: Db,
  shopDomain: string,
  previous: ShopState | null,
): Promise<ShopState | null> {
  const pointer = await servingPointer(database, shopDomain);
  if (!pointer) return null;
  const reuse = previous?.shopId === pointer.shopId ? previous : null;
  const settings = readShopSettings(pointer.settings);
  const plan = experimentPlan(settings.experiment);
  const [signatures, paused, { model, undecodable }, segments] = await Promise.all([
    servingSignatures(pointer.shopId),
    pausedArms(database, { shopId: pointer.shopId, experimentId: plan.id }),
    liveModel(database, { shopDomain, shopId: pointer.shopId, liveId: pointer.liveId, previous: reuse }),
    readSegments(database, pointer),
  ]);
  const catalogSame = reuse?.signatures.catalog === signatures.catalog;
  // The catalog before exclusions: a product the merchant stops excluding is offered again.
  const catalog = catalogSame ? reuse.catalog : await offerableById(pointer.shopId);
  const excludedBy = JSON.stringify([
    signatures,
    model?.id ?? null,
    pointer.fileCatalog,
    settings.excludedProductIds,
    settings.excludedCollectionIds,
    settings.excludedTags,
    settings.discounts.enabled && settings.discounts.excludedCollectionIds,
  ]);
  const exclusions =
    reuse?.excludedBy === excludedBy
      ? reuse
      : await buildExclusions({
          shopId: pointer.shopId,
          settings,
          catalog,
          model,
          fileCatalog: pointer.fileCatalog,
        });
  const popularWanted = !model || plan.variants.some((variant) => variant.ranking === "popularity");
  const popular = popularWanted
    ? (await popularProducts(database, { shopId: pointer.shopId, limit: POPULAR_KEPT })).filter(
        ({ productId }) => exclusions.offerable.has(productId),
      )
    : [];
  return {
    shopId: pointer.shopId,
    settings,
    plan,
    paused: new Set(paused.map((arm) => arm.variant)),
    currency: pointer.currency,
    discountLive: pointer.discountLive,
    fileCatalog: pointer.fileCatalog,
    model,
    undecodable,
    signatures,
    catalog,
    offerable: exclusions.offerable,
    exclude: exclusions.exclude,
    notDiscounted: exclusions.notDiscounted,
    excludedBy,
    popular,
    blocked: blockedByCartProduct(pointer.blockedPairs),
    demoted: demotedByCartProduct(pointer.demotedPairs),
    segments,
  };
}

/** The shop's segments; the defaults of a shop without orders when they cannot be read. */
async function readSegments(
  database: Db,
  {
    shopId,
    fileCatalog,
    segmentSnapshot,
  }: { shopId: string; fileCatalog: boolean; segmentSnapshot: unknown },
): Promise<ShopSegments> {
  try {
    const snapshot = await shopSegments(database, { shopId, fileCatalog, stored: segmentSnapshot });
    return { rules: snapshot.rules, clock: snapshot.historyEnd ? new Date(snapshot.at) : null };
  } catch (error) {
    logger().warn({ shopId, error: describeError(error) }, "segments not read; defaults serve");
    const none = { repeatGaps: { count: 0, p75: null, p95: null }, customers: 0, vipSpend: null };
    return { rules: segmentRules(none), clock: null };
  }
}

function blockedByCartProduct(pairs: ReadonlyArray<[string, string]>): Map<string, Set<string>> {
  const blocked = new Map<string, Set<string>>();
  for (const [cartProductId, offerProductId] of pairs) {
    const offers = blocked.get(cartProductId) ?? new Set<string>();
    offers.add(offerProductId);
    blocked.set(cartProductId, offers);
  }
  return blocked;
}

function demotedByCartProduct(
  pairs: ReadonlyArray<[string, string, number]>,
): Map<string, Map<string, number>> {
  const demoted = new Map<string, Map<string, number>>();
  for (const [cartProductId, offerProductId, impressions] of pairs) {
    const offers = demoted.get(cartProductId) ?? new Map<string, number>();
    offers.set(offerProductId, impressions);
    demoted.set(cartProductId, offers);
  }
  return demoted;
}

async function offerableById(shopId: string): Promise<ReadonlyMap<string, OfferProduct>> {
  return new Map((await offerableProducts(shopId)).map((product) => [product.productId, product]));
}

/**
 * The one place where what may be offered is decided: the catalog's offerable products less the
 * merchant's excluded products, collections and tags, and what the model knows but cannot offer.
 */
async function buildExclusions({
  shopId,
  settings,
  catalog,
  model,
  fileCatalog,
}: {
  shopId: string;
  settings: ShopSettings;
  catalog: ReadonlyMap<string, OfferProduct>;
  model: LiveModel | null;
  fileCatalog: boolean;
}) {
  const [inExcludedCollections, notDiscounted] = await Promise.all([
    productsInCollections({ shopId, collectionIds: settings.excludedCollectionIds }),
    settings.discounts.enabled
      ? productsInCollections({ shopId, collectionIds: settings.discounts.excludedCollectionIds })
      : new Set<string>(),
  ]);
  const excludedProducts = new Set(settings.excludedProductIds);
  // Shopify compares tags without regard to case or surrounding spaces.
  const excludedTags = new Set(settings.excludedTags.map(normalizeTag));
  const offerable = new Map<string, OfferProduct>();
  for (const [productId, product] of catalog) {
    if (excludedProducts.has(productId) || inExcludedCollections.has(productId)) continue;
    if (excludedTags.size > 0 && product.tags.some((tag) => excludedTags.has(normalizeTag(tag)))) continue;
    offerable.set(productId, product);
  }
  const checkout = new Set<string>();
  const preview = new Set<string>();
  for (const productId of model?.engine.productIds ?? []) {
    if (offerable.has(productId)) continue;
    checkout.add(productId);
    preview.add(productId);
  }
  // A product known only from an order file is in no Shopify catalog and no real cart can take it.
  for (const [productId, product] of offerable) {
    if (!product.fromFile) continue;
    checkout.add(productId);
    if (!fileCatalog || !signableProductId(productId)) preview.add(productId);
  }
  return { offerable, exclude: { checkout, preview }, notDiscounted };
}

function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

/** The live model, decoded only when the live version changed since `previous`. */
async function liveModel(
  database: Db,
  {
    shopDomain,
    shopId,
    liveId,
    previous,
  }: { shopDomain: string; shopId: string; liveId: string | null; previous: ShopState | null },
): Promise<{ model: LiveModel | null; undecodable: string | null }> {
  // A live model retired without a successor (a customer erased, too little data left) stops serving.
  if (liveId === null) return { model: null, undecodable: null };
  if (previous?.model?.id === liveId) return { model: previous.model, undecodable: previous.undecodable };
  // Not read again every refresh: a new training replaces it, and meanwhile the previous model or
  // popularity serves.
  if (previous?.undecodable === liveId) return { model: previous.model, undecodable: liveId };
  const artifact = await loadLiveArtifact(database, shopId);
  if (!artifact) return { model: null, undecodable: null };
  try {
    const engine = await decodeEngine(artifact.bytes);
    logger().info({ shop: shopDomain, version: artifact.version }, "serving model loaded");
    return { model: { id: artifact.id, version: artifact.version, engine }, undecodable: null };
  } catch (error) {
    // An artifact of an older layout after a release, or a damaged one: a new training replaces it.
    logger().error(
      { shop: shopDomain, version: artifact.version, error: describeError(error) },
      "model artifact cannot be decoded; training a new one",
    );
    void requestTrainingSoon({ shopDomain, reason: "outdated" });
    return { model: previous?.model ?? null, undecodable: artifact.id };
  }
}
