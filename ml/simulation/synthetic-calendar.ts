import { type CategorySpec, HOLIDAY, SUMMER } from "./synthetic-catalog";
import { cumulative } from "./synthetic-draws";
import type { ShopConfig } from "./synthetic-shop";

// The synthetic shop's calendar: daily volume with a weekly rhythm, slow growth, a Black Friday
// weekend and a December peak.

export const DAY_MS = 86_400_000;

/** Sunday first, as Date.getUTCDay counts */
const WEEKDAY_VOLUME = [1.05, 1.1, 1, 1, 0.95, 0.9, 0.85];
export const HOUR_SUMS = cumulative([
  2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 14, 13, 12, 12, 13, 14, 16, 18, 18, 15, 10, 5,
]);

export interface Day {
  /** "YYYY-MM-DDT" */
  prefix: string;
  season: number;
  sale: boolean;
  volume: number;
}

export function buildCalendar({ startMs, days }: ShopConfig): Day[] {
  return Array.from({ length: days }, (_, d) => {
    const ms = startMs + d * DAY_MS;
    const date = new Date(ms);
    const month = date.getUTCMonth();
    const dom = date.getUTCDate();
    const blackFriday = Date.UTC(date.getUTCFullYear(), 10, blackFridayDate(date.getUTCFullYear()));
    const sale = ms >= blackFriday && ms < blackFriday + 4 * DAY_MS;
    const saleWeek = ms >= blackFriday - 7 * DAY_MS && ms < blackFriday;
    const season =
      (month === 10 && dom >= 15) || (month === 11 && dom <= 24)
        ? HOLIDAY
        : month >= 5 && month <= 7
          ? SUMMER
          : 0;
    return {
      prefix: date.toISOString().slice(0, 11),
      season,
      sale,
      volume:
        monthVolume(month, dom, sale, saleWeek) * WEEKDAY_VOLUME[date.getUTCDay()]! * (1 + (0.25 * d) / days),
    };
  });
}

/** Day of November after the fourth Thursday. */
function blackFridayDate(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  return 1 + ((4 - firstWeekday + 7) % 7) + 21 + 1;
}

function monthVolume(month: number, dom: number, sale: boolean, saleWeek: boolean): number {
  if (sale) return 2.2;
  if (saleWeek) return 1.25;
  if (month === 11) {
    if (dom <= 22) return 1.7 + (0.8 * (dom - 1)) / 21;
    if (dom <= 24) return 1.5;
    return dom === 25 ? 0.6 : 1.1;
  }
  if (month === 0) return 0.8;
  if (month === 1 || (month >= 5 && month <= 7)) return 0.9;
  return 1;
}

/** Gift sets sell in the run-up to the holidays; seasonal lines mostly in their own season. */
export function categoryBoost(spec: CategorySpec, season: number): number {
  if (spec.name === "Gift Sets") return season === HOLIDAY ? 5 : 1;
  if (spec.name === "Seasonal") return season === HOLIDAY ? 3 : season === SUMMER ? 1.5 : 0.3;
  return 1;
}

export function productBoost(productSeason: number, daySeason: number): number {
  if (productSeason === 0) return 1;
  return productSeason === daySeason ? 3 : 0.05;
}
