import { hotQuery } from "~/db.server";

export interface OfferProduct {
  productId: string;
  title: string;
  imageUrl: string | null;
  variantId: string;
  price: string;
  /** only when above the price, as Shopify shows it */
  compareAtPrice: string | null;
  /** the product's tags, for the shop's tag exclusions */
  tags: string[];
  /** known only from an order file: not in the shop's Shopify catalog */
  fromFile: boolean;
}

/**
 * The shop's offerable products, in one query: active, available, with the cheapest available
 * variant that has a price. Read by a server when the catalog changed, never per checkout.
 */
export async function offerableProducts(shopId: string): Promise<OfferProduct[]> {
  return hotQuery<OfferProduct>(
    "offer-products",
    `SELECT p."externalId" AS "productId", p.title, p."imageUrl", v."externalId" AS "variantId",
       v.price::text AS price,
       CASE WHEN v."compareAtPrice" > v.price THEN v."compareAtPrice"::text END AS "compareAtPrice", p.tags,
       p.source = 'csv' AS "fromFile"
     FROM "Product" p
     JOIN LATERAL (
       SELECT "externalId", COALESCE(price, p.price) AS price, "compareAtPrice" FROM "Variant"
       WHERE "productId" = p.id AND available AND COALESCE(price, p.price) IS NOT NULL
       ORDER BY COALESCE(price, p.price), "externalId"
       LIMIT 1) v ON true
     WHERE p."shopId" = $1::uuid AND p.status = 'ACTIVE' AND p.available`,
    [shopId],
  );
}
