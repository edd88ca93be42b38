import { z } from "zod";

/**
 * Shopper segments by recency, frequency and spend (RFM), with thresholds taken from each shop's own
 * orders: a checkout's shopper is in exactly one.
 */
export const SEGMENTS = ["guest", "first-order", "returning", "vip", "lapsing", "lapsed"] as const;
export const SegmentSchema = z.enum(SEGMENTS);
export type Segment = z.infer<typeof SegmentSchema>;

/** Each segment's one-character code in offer ids (app/lib/offer-token.server.ts). */
export const SEGMENT_CODES: Record<Segment, string> = {
  guest: "g",
  "first-order": "f",
  returning: "r",
  vip: "v",
  lapsing: "s",
  lapsed: "l",
};

export const SEGMENT_LABELS: Record<Segment, string> = {
  guest: "Guests",
  "first-order": "First order",
  returning: "Returning",
  vip: "VIP",
  lapsing: "Lapsing",
  lapsed: "Lapsed",
};

/** The segment's shoppers as a sentence names them ("Show offers to VIPs"). */
export const SEGMENT_AUDIENCES: Record<Segment, string> = {
  guest: "guests",
  "first-order": "first-time buyers",
  returning: "returning customers",
  vip: "VIPs",
  lapsing: "lapsing customers",
  lapsed: "lapsed customers",
};

/** Below this many repeat orders, the recency thresholds are the defaults, not the shop's. */
export const MIN_REPEAT_GAPS = 30;
/** Below this many customers with an order in the last year, there is no VIP segment. */
export const MIN_VIP_CUSTOMERS = 20;
/** VIPs are this share of the last year's customers, by spend. */
export const VIP_SHARE = 0.1;
const DEFAULT_LAPSING_DAYS = 90;
const DEFAULT_LAPSED_DAYS = 180;
const DAY_MS = 86_400_000;

/** What the shop's orders say about its customers, as measured (customer-segments.server). */
export interface SegmentEvidence {
  /** the gaps, in days, between a customer's consecutive orders over the last two years */
  repeatGaps: { count: number; p75: number | null; p95: number | null };
  /** customers with an order in the last year, and the spend of the top VIP_SHARE of them */
  customers: number;
  vipSpend: number | null;
}

export interface SegmentRules {
  lapsingDays: number;
  lapsedDays: number;
  /** spend over the last 365 days from which a recent customer is a VIP; null: too few customers */
  vipSpend: number | null;
  /** the recency thresholds come from the shop's repeat orders, not the defaults */
  fromShop: boolean;
}

/**
 * The rules from the shop's evidence: a customer is lapsing once they have gone longer without an
 * order than 3 in 4 of the shop's repeat orders took, lapsed past 19 in 20 of them (and at least twice
 * the lapsing point). Bounded so one odd shop cannot make everyone lapsed or nobody.
 */
export function segmentRules(evidence: SegmentEvidence): SegmentRules {
  const { repeatGaps } = evidence;
  const vipSpend =
    evidence.customers >= MIN_VIP_CUSTOMERS && evidence.vipSpend !== null ? evidence.vipSpend : null;
  if (repeatGaps.count < MIN_REPEAT_GAPS || repeatGaps.p75 === null || repeatGaps.p95 === null) {
    return { lapsingDays: DEFAULT_LAPSING_DAYS, lapsedDays: DEFAULT_LAPSED_DAYS, vipSpend, fromShop: false };
  }
  const lapsingDays = clamp(Math.ceil(repeatGaps.p75), 14, 365);
  const lapsedDays = clamp(Math.max(Math.ceil(repeatGaps.p95), 2 * lapsingDays), lapsingDays + 1, 730);
  return { lapsingDays, lapsedDays, vipSpend, fromShop: true };
}

/** Customers with at least one order, per segment of returning shoppers. */
export const SegmentSizesSchema = z.object({
  returning: z.number().int().min(0),
  vip: z.number().int().min(0),
  lapsing: z.number().int().min(0),
  lapsed: z.number().int().min(0),
});
export type SegmentSizes = z.infer<typeof SegmentSizesSchema>;

/** A shop's segments as computed from its orders, stored on the shop and validated when read. */
export const SegmentSnapshotSchema = z.object({
  rules: z.object({
    lapsingDays: z.number().int().min(1),
    lapsedDays: z.number().int().min(1),
    vipSpend: z.number().min(0).nullable(),
    fromShop: z.boolean(),
  }),
  sizes: SegmentSizesSchema,
  /** the moment the segments were read at: then, or an imported history's last order */
  at: z.iso.datetime(),
  /** whether `at` is an imported history's end, not the time of computing */
  historyEnd: z.boolean(),
  computedAt: z.iso.datetime(),
});
export type SegmentSnapshot = z.infer<typeof SegmentSnapshotSchema>;

/** A logged-in shopper's orders as the segment reads them; null for a guest. */
export interface CustomerSummary {
  orders: number;
  /** net spend of the orders of the 365 days before the reference time */
  spendLastYear: number;
  lastOrderAt: Date | null;
}

/** The shopper's segment at `at` (the shop's clock: now, or an imported history's end). */
export function classifyShopper(customer: CustomerSummary | null, rules: SegmentRules, at: Date): Segment {
  if (!customer) return "guest";
  if (customer.orders === 0 || !customer.lastOrderAt) return "first-order";
  const days = (at.getTime() - customer.lastOrderAt.getTime()) / DAY_MS;
  if (days > rules.lapsedDays) return "lapsed";
  if (days > rules.lapsingDays) return "lapsing";
  if (rules.vipSpend !== null && customer.spendLastYear >= rules.vipSpend) return "vip";
  return "returning";
}

/** Each segment in the merchant's words, with the shop's own numbers. */
export function describeSegments(rules: SegmentRules, currency: string | null): Record<Segment, string> {
  const { lapsingDays, lapsedDays, vipSpend } = rules;
  const source = rules.fromShop
    ? `3 in 4 of this shop's repeat orders come within ${days(lapsingDays)}`
    : `defaults until the shop has ${MIN_REPEAT_GAPS} repeat orders`;
  return {
    guest: "Checking out without logging in: their past orders cannot be known.",
    "first-order": "Logged in, with no order yet: this checkout would be their first.",
    returning:
      vipSpend === null
        ? `Ordered in the last ${days(lapsingDays)}.`
        : `Ordered in the last ${days(lapsingDays)}, below the VIP spend.`,
    vip:
      vipSpend === null
        ? `None yet: VIPs are the top ${percent(VIP_SHARE)} by spend once the shop has ${MIN_VIP_CUSTOMERS} customers in a year.`
        : `Top ${percent(VIP_SHARE)} by spend over the last year (${money(vipSpend, currency)} or more), ordered in the last ${days(lapsingDays)}.`,
    lapsing: `Last order ${lapsingDays + 1} to ${days(lapsedDays)} ago (${source}).`,
    lapsed: `Last order more than ${days(lapsedDays)} ago.`,
  };
}

function days(count: number): string {
  return count === 1 ? "1 day" : `${count} days`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function money(amount: number, currency: string | null): string {
  const rounded = Math.round(amount * 100) / 100;
  if (!currency) return rounded.toFixed(2);
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).format(rounded);
  } catch {
    return `${rounded.toFixed(2)} ${currency}`;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
