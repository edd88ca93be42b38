import { z } from "zod";
import { SURFACES, type Surface } from "./offers";

export const RANGE_PRESETS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "custom", label: "Custom dates" },
] as const;

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;
const IsoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-01")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "must be a real date");

export const ReportQuerySchema = z.object({
  range: z.enum(["7", "30", "90", "custom"]).default("30"),
  from: z.union([IsoDaySchema, z.literal("")]).default(""),
  to: z.union([IsoDaySchema, z.literal("")]).default(""),
  surface: z.enum(["all", ...SURFACES]).default("all"),
});
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

export interface ReportWindow {
  /** the first day's midnight, UTC */
  since: Date;
  /** the midnight after the last day, UTC (exclusive) */
  until: Date;
  /** every day of the window, "YYYY-MM-DD" */
  days: string[];
  surface: Surface | null;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function midnight(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/**
 * The report's days from the page's address: a preset ending today, or custom first and last days
 * (UTC). An address that cannot be read gives the last 30 days and says what was wrong.
 */
export function reportWindow(
  params: URLSearchParams,
  now = new Date(),
): { query: ReportQuery; window: ReportWindow; problem: string | null } {
  const parsed = ReportQuerySchema.safeParse(Object.fromEntries(params));
  const query = parsed.success ? parsed.data : ReportQuerySchema.parse({});
  let problem = parsed.success
    ? null
    : `${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`;
  const today = isoDay(now);
  const presetDays = query.range === "custom" ? 30 : Number(query.range);
  let first = isoDay(new Date(midnight(today).getTime() - (presetDays - 1) * DAY_MS));
  let last = today;
  if (query.range === "custom") {
    const from = query.from || first;
    const to = query.to || today;
    const span = (midnight(to).getTime() - midnight(from).getTime()) / DAY_MS + 1;
    if (span < 1) problem = "The first day must not be after the last day";
    else if (span > MAX_DAYS) problem = `A report covers at most ${MAX_DAYS} days`;
    else [first, last] = [from, to];
  }
  const since = midnight(first);
  const until = new Date(midnight(last).getTime() + DAY_MS);
  const days: string[] = [];
  for (let t = since.getTime(); t < until.getTime(); t += DAY_MS) days.push(isoDay(new Date(t)));
  return {
    query,
    window: { since, until, days, surface: query.surface === "all" ? null : query.surface },
    problem,
  };
}
