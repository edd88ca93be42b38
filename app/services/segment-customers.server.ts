import type { Db } from "~/db.server";
import { SEGMENT_LABELS, type Segment } from "~/lib/segments";
import { isFileCatalog } from "~/models/products.server";
import { shopSegments } from "./shop-segments.server";

/**
 * How many customers each segment of returning shoppers holds, as last computed with the rules
 * checkouts use: for the home page.
 */
export async function segmentCustomers(
  database: Db,
  shopId: string,
): Promise<Array<{ segment: Segment; label: string; customers: number }>> {
  const [shop, fileCatalog] = await Promise.all([
    database.shop.findUniqueOrThrow({ where: { id: shopId }, select: { segmentSnapshot: true } }),
    isFileCatalog(database, shopId),
  ]);
  const { sizes } = await shopSegments(database, { shopId, fileCatalog, stored: shop.segmentSnapshot });
  return (["vip", "returning", "lapsing", "lapsed"] as const).map((segment) => ({
    segment,
    label: SEGMENT_LABELS[segment],
    customers: sizes[segment],
  }));
}
