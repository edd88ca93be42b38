import { classifyShopper, type Segment } from "~/lib/segments";
import { customerSummary } from "~/models/customer-segments.server";
import type { ShopState } from "./shop-state.server";

/**
 * The segment of a checkout's shopper: a guest without a customer key, else from their orders as
 * they stand now (so the order they placed a moment ago counts), read against the shop's rules.
 * `historyBefore` reads them as of a past moment (a preview of a past order).
 */
export async function shopperSegment(
  state: ShopState,
  { customerKey, historyBefore = null }: { customerKey: string | null; historyBefore?: Date | null },
): Promise<Segment> {
  if (!customerKey) return "guest";
  const at = historyBefore ?? state.segments.clock ?? new Date();
  const summary = await customerSummary({ shopId: state.shopId, customerKey, at });
  return classifyShopper(summary, state.segments.rules, at);
}
