import type { Db } from "~/db.server";
import type { Estimate } from "~/lib/arm-estimates";
import { type SliceOfferLine, sliceOfferLines, sliceShoppers } from "~/models/discount-slice.server";
import { describeSample, welchTest } from "~ml";
import { attributedOffer, discountCents, keptUnits, revenueCents } from "./offer-report.server";

/** Logged-in shoppers each side of an arm needs before the report compares them. */
export const MIN_MARGIN_SHOPPERS = 30;

export interface SideMargin {
  /** logged-in shoppers first exposed in the window: the base of the margin per shopper */
  shoppers: number;
  /** their offer purchases (order lines) attributed to the arm */
  purchases: number;
  /** the margin of those purchases, in the shop currency */
  margin: number;
  /** margin / shoppers; null without shoppers */
  marginPerShopper: number | null;
}

/** What an arm's discounts add: its shoppers offered discounts against its no-discount slice. */
export interface DiscountMargin {
  discounted: SideMargin;
  noDiscount: SideMargin;
  /** margin per shopper, discounted − no-discount slice (Welch's t); null below MIN_MARGIN_SHOPPERS on either side */
  added: Estimate | null;
  minimumShoppers: number;
  /** purchases whose cost came from the variant's unit cost; the others' from assumedCostPercent */
  costKnown: number;
  assumedCostPercent: number;
}

/**
 * Per arm with discounts on, the margin per logged-in shopper of its offer purchases, for the shoppers
 * offered discounts and for its no-discount slice, and the difference with a 95% interval. Shoppers
 * and purchases are linked as the report links conversions: a logged-in buyer's orders after their
 * first exposure, through their customer key; guests cannot be followed to an order and count on
 * neither side. A purchase is an order line whose offer id verifies and names this experiment and arm;
 * its margin is what was kept after refunds, at the price less our offer discount, less its cost: the
 * variant's unit cost where known, else the shop's assumed share of the price.
 */
export async function discountMargins(
  database: Db,
  {
    shopId,
    shopDomain,
    experimentId,
    variants,
    since,
    until,
    assumedCostPercent,
  }: {
    shopId: string;
    shopDomain: string;
    experimentId: string;
    /** the arms with discounts on: key and index */
    variants: Array<{ key: string; index: number }>;
    since: Date;
    until: Date;
    assumedCostPercent: number;
  },
): Promise<Map<string, DiscountMargin>> {
  const query = { shopId, experimentId, variants: variants.map((v) => v.key), since, until };
  const [shoppers, lines] = await Promise.all([
    sliceShoppers(database, query),
    sliceOfferLines(database, query),
  ]);
  const indexOf = new Map(variants.map((variant) => [variant.key, variant.index]));
  // Per arm and side, each shopper's margin in cents; shoppers without a purchase have none.
  const perUnit = new Map<string, Map<string, number>>();
  const purchases = new Map<string, number>();
  const costKnown = new Map<string, number>();
  for (const line of lines) {
    const offer = attributedOffer(line, shopDomain);
    if (!offer || offer.experiment?.id !== experimentId) continue;
    if (offer.experiment.variant !== indexOf.get(line.variant)) continue;
    const side = sideKey(line.variant, line.noDiscounts);
    const units = perUnit.get(side) ?? new Map<string, number>();
    units.set(line.unitKey, (units.get(line.unitKey) ?? 0) + marginCents(line, assumedCostPercent));
    perUnit.set(side, units);
    purchases.set(side, (purchases.get(side) ?? 0) + 1);
    if (line.unitCost !== null) costKnown.set(line.variant, (costKnown.get(line.variant) ?? 0) + 1);
  }
  const margins = new Map<string, DiscountMargin>();
  for (const { key } of variants) {
    const values = (noDiscounts: boolean) => {
      const side = sideKey(key, noDiscounts);
      const count =
        shoppers.find((row) => row.variant === key && row.noDiscounts === noDiscounts)?.shoppers ?? 0;
      const bought = [...(perUnit.get(side)?.values() ?? [])].map((cents) => cents / 100);
      // Every shopper counts, a zero for each who bought nothing offered.
      return bought.concat(Array(Math.max(0, count - bought.length)).fill(0));
    };
    const discounted = values(false);
    const noDiscount = values(true);
    margins.set(key, {
      discounted: sideMargin(discounted, purchases.get(sideKey(key, false)) ?? 0),
      noDiscount: sideMargin(noDiscount, purchases.get(sideKey(key, true)) ?? 0),
      added: addedMargin(noDiscount, discounted),
      minimumShoppers: MIN_MARGIN_SHOPPERS,
      costKnown: costKnown.get(key) ?? 0,
      assumedCostPercent,
    });
  }
  return margins;
}

const sideKey = (variant: string, noDiscounts: boolean) => `${variant}|${noDiscounts}`;

/**
 * (price − our discount) × kept units − cost × kept units, in cents, with refunds as the offer
 * report takes them: a refunded unit earns nothing, gives its discount back and costs nothing.
 */
function marginCents(line: SliceOfferLine, assumedCostPercent: number): number {
  const price = line.unitPrice === null ? 0 : Math.round(Number(line.unitPrice) * 100);
  const unitCost =
    line.unitCost === null ? (price * assumedCostPercent) / 100 : Math.round(Number(line.unitCost) * 100);
  return revenueCents(line) - discountCents(line) - unitCost * keptUnits(line);
}

function sideMargin(values: number[], purchases: number): SideMargin {
  const margin = values.reduce((sum, value) => sum + value, 0);
  return {
    shoppers: values.length,
    purchases,
    margin,
    marginPerShopper: values.length > 0 ? margin / values.length : null,
  };
}

function addedMargin(noDiscount: number[], discounted: number[]): Estimate | null {
  if (noDiscount.length < MIN_MARGIN_SHOPPERS || discounted.length < MIN_MARGIN_SHOPPERS) return null;
  const { difference, interval, pValue } = welchTest(describeSample(noDiscount), describeSample(discounted));
  return { difference, interval, pValue };
}
