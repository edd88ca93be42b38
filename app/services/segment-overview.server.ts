import type { Db } from "~/db.server";
import { type Estimate, netIncremental, pooledOutcomes } from "~/lib/arm-estimates";
import { AppError } from "~/lib/errors";
import { experimentPlan } from "~/lib/experiments";
import { describeSegments, SEGMENT_LABELS, SEGMENTS, type Segment, type SegmentRules } from "~/lib/segments";
import { readShopSettings, type SegmentSettings, SegmentSettingsSchema } from "~/lib/shop-settings";
import { armOutcomes } from "~/models/experiment-outcomes.server";
import { isFileCatalog } from "~/models/products.server";
import { segmentOfferOutcomes } from "~/models/segment-outcomes.server";
import { HOLDOUT } from "~ml";
import { shopSegments } from "./shop-segments.server";

const DAY_MS = 86_400_000;
const SEGMENT_REPORT_DAYS = 30;

export interface SegmentSummary {
  segment: Segment;
  label: string;
  /** the rule in the merchant's words, with the shop's numbers */
  description: string;
  /** customers in it now; null for guests and first orders, whom orders cannot count */
  customers: number | null;
  /** shoppers whose first checkout of the window was in this segment, as the experiment counts them */
  checkouts: number;
  impressions: number;
  clicks: number;
  purchases: number;
  /** purchases / impressions; null without impressions */
  takeRate: number | null;
  /** what offers bought by the segment brought, net of refunds and of the discount */
  revenue: number;
  discount: number;
  /**
   * Revenue per logged-in checkout against the holdout of the same segment, less the discount, with
   * its 95% interval; null when either side has fewer than 2 linked checkouts (always for guests) or
   * neither has an order yet.
   */
  uplift: Estimate | null;
  /** linked checkouts offered and held out, the base of the uplift */
  linked: { treated: number; holdout: number };
  /** the merchant's own settings for the segment, defaults where none */
  settings: SegmentSettings;
}

export interface SegmentOverview {
  currency: string | null;
  rules: SegmentRules;
  /** the moment segments are read at: now, or an imported history's last order */
  at: Date;
  /** when the thresholds and sizes were computed */
  computedAt: Date;
  since: Date;
  until: Date;
  /** the shop's own limits, which a segment's settings may lower */
  shopMaxOffers: number;
  shopMaxDiscountPercent: number;
  discountsEnabled: boolean;
  segments: SegmentSummary[];
}

/**
 * The Segments page: each segment's rule in words, its size now, and how its shoppers took offers
 * over the last 30 days (of the shop's clock), with the uplift against the segment's own holdout.
 */
export async function segmentOverview(
  database: Db,
  { shopDomain, now = new Date() }: { shopDomain: string; now?: Date },
): Promise<SegmentOverview> {
  const shop = await database.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, settings: true, segmentSnapshot: true },
  });
  if (!shop) throw new AppError("NOT_FOUND", `No shop ${shopDomain}.`);
  const settings = readShopSettings(shop.settings);
  const fileCatalog = await isFileCatalog(database, shop.id);
  // The thresholds and sizes checkouts use, as last computed (with the training, or daily).
  const snapshot = await shopSegments(database, {
    shopId: shop.id,
    fileCatalog,
    stored: shop.segmentSnapshot,
  });
  const { rules, sizes } = snapshot;
  const at = snapshot.historyEnd ? new Date(snapshot.at) : now;
  const until = new Date(Math.min(at.getTime(), now.getTime() + 1));
  const since = new Date(until.getTime() - SEGMENT_REPORT_DAYS * DAY_MS);
  const experimentId = experimentPlan(settings.experiment).id;
  const [offers, arms, currency] = await Promise.all([
    segmentOfferOutcomes(database, { shopId: shop.id, since, until }),
    armOutcomes(database, { shopId: shop.id, experimentId, since, until }),
    latestCurrency(database, shop.id),
  ]);
  const descriptions = describeSegments(rules, currency);
  const segments = SEGMENTS.map((segment): SegmentSummary => {
    const offered = offers.find((row) => row.segment === segment);
    const own = arms.filter((row) => row.segment === segment);
    const holdout = pooledOutcomes(
      HOLDOUT,
      own.filter((row) => row.variant === HOLDOUT),
    );
    const treated = pooledOutcomes(
      "treated",
      own.filter((row) => row.variant !== HOLDOUT),
    );
    const impressions = offered?.impressions ?? 0;
    const purchases = offered?.purchases ?? 0;
    const discount = offered?.discount ?? 0;
    return {
      segment,
      label: SEGMENT_LABELS[segment],
      description: descriptions[segment],
      customers: segment === "guest" || segment === "first-order" ? null : sizes[segment],
      checkouts: holdout.checkouts + treated.checkouts,
      impressions,
      clicks: offered?.clicks ?? 0,
      purchases,
      takeRate: impressions > 0 ? purchases / impressions : null,
      revenue: offered?.revenue ?? 0,
      discount,
      // Without any order on either side there is nothing to estimate, not an uplift of zero.
      uplift: holdout.orders + treated.orders > 0 ? netIncremental(holdout, treated, discount) : null,
      linked: { treated: treated.linked, holdout: holdout.linked },
      settings: settings.segments[segment] ?? SegmentSettingsSchema.parse({}),
    };
  });
  return {
    currency,
    rules,
    at,
    computedAt: new Date(snapshot.computedAt),
    since,
    until,
    shopMaxOffers: settings.maxOffers,
    shopMaxDiscountPercent: settings.discounts.maxPercent,
    discountsEnabled: settings.discounts.enabled,
    segments,
  };
}

async function latestCurrency(database: Db, shopId: string): Promise<string | null> {
  const order = await database.order.findFirst({
    where: { shopId, currency: { not: null }, orderedAt: { not: null } },
    orderBy: { orderedAt: "desc" },
    select: { currency: true },
  });
  return order?.currency ?? null;
}
