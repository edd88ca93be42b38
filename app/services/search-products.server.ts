import type { Db } from "~/db.server";
import { type ProductMatch, searchProductsByTitle } from "~/models/products.server";
import { findShop } from "~/models/shops.server";

const MATCHES_SHOWN = 10;

/** The settings page's product search (where App Bridge's resource picker is not): stored products by title. */
export async function searchProducts(
  database: Db,
  { shopDomain, query }: { shopDomain: string; query: string },
): Promise<ProductMatch[]> {
  const shop = await findShop(database, shopDomain);
  if (!shop || !query) return [];
  return searchProductsByTitle(database, { shopId: shop.id, query, limit: MATCHES_SHOWN });
}
