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
  /** each product's type, as the model knows it */
  categories: Map<string, string | null>;
  loadedAt: number;
  refreshing: Promise<void> | null;
}

const modelEntries = new Map<string, ModelEntry>();

/**
 * The shop's discount model (ml/policy/discount-model), fitted to its offers' outcomes per product,
 * segment and level and kept in memory; refitted in the background every OUTCOMES_REFRESH_MS from
 * the previous fit. Only a shop's first request waits for it.
 */
export async function shopDiscountModel(database: Db, shopId: string): Promise<ModelEntry> {
  let entry = modelEntries.get(shopId);
  if (!entry) {
    entry = { ...(await loadModel(database, shopId, null)), loadedAt: Date.now(), refreshing: null };
    modelEntries.set(shopId, entry);
    if (modelEntries.size > MAX_SHOPS) modelEntries.delete(modelEntries.keys().next().value!);
  } else if (Date.now() - entry.loadedAt >= OUTCOMES_REFRESH_MS && !entry.refreshing) {
    const current = entry;
    current.refreshing = loadModel(database, shopId, current.model)
      .then(({ model, categories }) => {
        current.model = model;
        current.categories = categories;
        current.loadedAt = Date.now();
      })
      .catch((error: unknown) =>
        logger().warn({ error: describeError(error) }, "discount model refresh failed"),
      )
      .finally(() => {
        current.refreshing = null;
      });
  }
  return entry;
}

async function loadModel(
  database: Db,
  shopId: string,
  previous: DiscountModel | null,
): Promise<Pick<ModelEntry, "model" | "categories">> {
  const rows: LevelOutcomeRow[] = await levelOutcomes(database, {
    shopId,
    since: new Date(Date.now() - OUTCOMES_WINDOW_MS),
  });
  const categories = new Map<string, string | null>();
  const outcomes: DiscountOutcome[] = [];
  for (const row of rows) {
    categories.set(row.productId, row.category);
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
  const model = fitDiscountModel(outcomes, { levels: DEFAULT_DISCOUNT_LEVELS, previous });
  return { model, categories };
}
