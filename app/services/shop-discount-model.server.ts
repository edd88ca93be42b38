import type { Db } from "~/db.server";
import { DiscountHistorySchema } from "~/lib/discount-history";
import { describeError } from "~/lib/errors";
import { SegmentSchema } from "~/lib/segments";
import { logger } from "~/logger.server";
import { type LevelOutcomeRow, levelOutcomes } from "~/models/offer-events.server";
import { DEFAULT_DISCOUNT_LEVELS, type DiscountModel, type DiscountOutcome, fitDiscountModel } from "~ml";

/** How far back the policy looks at offers' outcomes, and how long a shop's fitted model is reused. */
const OUTCOMES_WINDOW_MS = 90 * 86_400_000;
const OUTCOMES_REFRESH_MS = 60_000;
const MAX_SHOPS = 1_000;

interface ModelEntry {
  model: DiscountModel;
  loadedAt: number;
  refreshing: Promise<void> | null;
}

const modelEntries = new Map<string, ModelEntry>();
/** First loads under way: concurrent first requests of a shop share one fit. */
const firstLoads = new Map<string, Promise<ModelEntry>>();

/**
 * The shop's discount model (ml/policy/discount-model), fitted to its offers' outcomes per product,
 * segment, discount history and level and kept in memory (the MAX_SHOPS used last); refitted in the
 * background every OUTCOMES_REFRESH_MS from the previous fit. Only a shop's first requests wait for
 * it, and share one fit.
 */
export async function shopDiscountModel(database: Db, shopId: string): Promise<DiscountModel> {
  const entry = modelEntries.get(shopId);
  if (!entry) return (await firstLoad(database, shopId)).model;
  // Used last: kept longest.
  modelEntries.delete(shopId);
  modelEntries.set(shopId, entry);
  if (Date.now() - entry.loadedAt >= OUTCOMES_REFRESH_MS && !entry.refreshing) {
    const current = entry;
    current.refreshing = loadModel(database, shopId, current.model)
      .then((model) => {
        current.model = model;
        current.loadedAt = Date.now();
      })
      .catch((error: unknown) =>
        logger().warn({ error: describeError(error) }, "discount model refresh failed"),
      )
      .finally(() => {
        current.refreshing = null;
      });
  }
  return entry.model;
}

function firstLoad(database: Db, shopId: string): Promise<ModelEntry> {
  let pending = firstLoads.get(shopId);
  if (!pending) {
    pending = loadModel(database, shopId, null)
      .then((model) => {
        const entry = { model, loadedAt: Date.now(), refreshing: null };
        modelEntries.set(shopId, entry);
        if (modelEntries.size > MAX_SHOPS) modelEntries.delete(modelEntries.keys().next().value!);
        return entry;
      })
      .finally(() => firstLoads.delete(shopId));
    firstLoads.set(shopId, pending);
  }
  return pending;
}

async function loadModel(
  database: Db,
  shopId: string,
  previous: DiscountModel | null,
): Promise<DiscountModel> {
  const rows: LevelOutcomeRow[] = await levelOutcomes(database, {
    shopId,
    since: new Date(Date.now() - OUTCOMES_WINDOW_MS),
  });
  const outcomes: DiscountOutcome[] = [];
  for (const row of rows) {
    // A product no longer priced in the catalog cannot say what its discounts were worth.
    if (row.price === null || !(row.price > 0)) continue;
    outcomes.push({
      offer: { id: row.productId, category: row.category, price: row.price },
      // Stored by the events API from signed offer ids; anything else reads as unknown.
      context: {
        segment: SegmentSchema.safeParse(row.segment).data ?? null,
        discountHistory: DiscountHistorySchema.safeParse(row.discountHistory).data ?? null,
      },
      percent: row.percent,
      impressions: row.impressions,
      takes: row.takes,
    });
  }
  return fitDiscountModel(outcomes, { levels: DEFAULT_DISCOUNT_LEVELS, previous });
}
