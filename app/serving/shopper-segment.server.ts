import { classifyShopper, type Segment } from "~/lib/segments";
import { shopperOrders } from "~/models/serving-data.server";
import { type DiscountHistory, discountHistoryOf, type HistoryEntry } from "~ml";
import type { ShopState } from "./shop-state.server";

export interface Shopper {
  segment: Segment;
  /** how often their past orders carried a discount; null for a guest or where no order says */
  discountHistory: DiscountHistory | null;
  /** their purchases, newest first, for the ranking: none for a guest */
  history: HistoryEntry[];
}

/**
 * A checkout's shopper: a guest without a customer key, else their segment and history from their
 * orders as they stand now (so the order they placed a moment ago counts), read in one statement
 * against the shop's rules. `historyBefore` reads them as of a past moment (a preview of a past order).
 */
export async function readShopper(
  state: ShopState,
  { customerKey, historyBefore = null }: { customerKey: string | null; historyBefore?: Date | null },
): Promise<Shopper> {
  if (!customerKey) return { segment: "guest", discountHistory: null, history: [] };
  const at = historyBefore ?? state.segments.clock ?? new Date();
  const { history, summary, discounts } = await shopperOrders({
    shopId: state.shopId,
    customerKey,
    before: historyBefore,
    at,
  });
  return {
    segment: classifyShopper(summary, state.segments.rules, at),
    discountHistory: discountHistoryOf(discounts),
    history,
  };
}
