import type { Db } from "~/db.server";
import type { ReportWindow } from "~/lib/report-window";
import { countOfferEventsByDay } from "~/models/offer-events.server";
import { offeredOrderLines } from "~/models/offer-purchases.server";
import { requireShop } from "~/models/shops.server";
import {
  attributedOffer,
  discountCents,
  type OfferReportRow,
  offerReport,
  revenueCents,
} from "./offer-report.server";

export interface PerformanceDay {
  day: string;
  impressions: number;
  clicks: number;
  adds: number;
  purchases: number;
  /** purchases / impressions; null without impressions */
  takeRate: number | null;
  /** attributed revenue of the orders placed that day, in the shop currency */
  revenue: string;
  /** what the offer discount took off those orders' attributed lines */
  discountCost: string;
}

export interface PerformanceTotals {
  impressions: number;
  clicks: number;
  adds: number;
  purchases: number;
  takeRate: number | null;
  clickRate: number | null;
  revenue: string;
  discountCost: string;
}

export interface OfferPerformance {
  currency: string | null;
  totals: PerformanceTotals;
  days: PerformanceDay[];
  /** per offered product, model version and surface, best revenue first */
  rows: OfferReportRow[];
  unattributedLines: number;
}

const EVENT_FIELD = { impression: "impressions", click: "clicks", add: "adds" } as const;

/**
 * How offers did over the window's days, on one surface or all: the offer report's rows, and a
 * day-by-day series of events and attributed purchases (attributed exactly as the report does).
 */
export async function offerPerformance(
  database: Db,
  { shopDomain, window }: { shopDomain: string; window: ReportWindow },
): Promise<OfferPerformance> {
  const shop = await requireShop(database, shopDomain);
  const { since, until, surface } = window;
  const [report, events, lines] = await Promise.all([
    offerReport(database, { shopDomain, since, until }),
    countOfferEventsByDay(database, { shopId: shop.id, since, until, surface }),
    offeredOrderLines(database, { shopId: shop.id, since, until }),
  ]);
  const byDay = new Map(
    window.days.map((day) => [
      day,
      { day, impressions: 0, clicks: 0, adds: 0, purchases: 0, cents: 0, discountCents: 0 },
    ]),
  );
  for (const row of events) {
    const tally = byDay.get(row.day);
    const field = EVENT_FIELD[row.type as keyof typeof EVENT_FIELD];
    if (tally && field) tally[field] += row.count;
  }
  for (const line of lines) {
    const offer = attributedOffer(line, shopDomain);
    if (!offer || (surface && offer.surface !== surface)) continue;
    const tally = byDay.get(line.orderedAt.toISOString().slice(0, 10));
    if (!tally) continue;
    tally.purchases += 1;
    tally.cents += revenueCents(line);
    tally.discountCents += discountCents(line);
  }
  const days = [...byDay.values()].map(({ cents, discountCents, ...day }) => ({
    ...day,
    takeRate: day.impressions > 0 ? day.purchases / day.impressions : null,
    revenue: (cents / 100).toFixed(2),
    discountCost: (discountCents / 100).toFixed(2),
  }));
  const rows = surface ? report.rows.filter((row) => row.surface === surface) : report.rows;
  return {
    currency: report.currency,
    totals: totalsOf(rows),
    days,
    rows,
    unattributedLines: report.unattributedLines,
  };
}

function totalsOf(rows: OfferReportRow[]): PerformanceTotals {
  const sum = (pick: (row: OfferReportRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const impressions = sum((row) => row.impressions);
  const clicks = sum((row) => row.clicks);
  const purchases = sum((row) => row.purchases);
  return {
    impressions,
    clicks,
    adds: sum((row) => row.adds),
    purchases,
    clickRate: impressions > 0 ? clicks / impressions : null,
    takeRate: impressions > 0 ? purchases / impressions : null,
    revenue: (sum((row) => Math.round(Number(row.revenue) * 100)) / 100).toFixed(2),
    discountCost: (sum((row) => Math.round(Number(row.discountCost) * 100)) / 100).toFixed(2),
  };
}
