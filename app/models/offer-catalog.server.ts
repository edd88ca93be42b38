import { type Db, hotQuery, type Tx } from "~/db.server";

export interface OfferProduct {
  productId: string;
  title: string;
  imageUrl: string | null;
  variantId: string;
  price: string;
  /** only when above the price, as Shopify shows it */
  compareAtPrice: string | null;
  /** what the offered variant costs the merchant, a decimal string; null when Shopify has no cost */
  unitCost: string | null;
  /** the product's type, which the discount model learns from; null when it has none */
  productType: string | null;
  /** the product's tags, for the shop's tag exclusions */
  tags: string[];
  /** known only from an order file: not in the shop's Shopify catalog */
  fromFile: boolean;
}

/**
 * The shop's ($1) offerable products, each with the variant offers use: active, available, the
 * cheapest available variant that has a price. One definition for the catalog and what is said of it.
 */
const OFFERABLE = `
  FROM "Product" p
  JOIN LATERAL (
    SELECT "externalId", COALESCE(price, p.price) AS price, "compareAtPrice", "unitCost" FROM "Variant"
    WHERE "productId" = p.id AND available AND COALESCE(price, p.price) IS NOT NULL
    ORDER BY COALESCE(price, p.price), "externalId"
    LIMIT 1) v ON true
  WHERE p."shopId" = $1::uuid AND p.status = 'ACTIVE' AND p.available`;

/**
 * The shop's offerable products, in one query. Read by a server when the catalog changed, never per
 * checkout.
 */
export async function offerableProducts(shopId: string): Promise<OfferProduct[]> {
  return hotQuery<OfferProduct>(
    "offer-products",
    `SELECT p."externalId" AS "productId", p.title, p."imageUrl", v."externalId" AS "variantId",
       v.price::text AS price,
       CASE WHEN v."compareAtPrice" > v.price THEN v."compareAtPrice"::text END AS "compareAtPrice",
       v."unitCost"::text AS "unitCost", NULLIF(p."productType", '') AS "productType", p.tags,
       p.source = 'csv' AS "fromFile"
     ${OFFERABLE}`,
    [shopId],
  );
}

/**
 * Of the shop's offerable products from Shopify (not order files'), how many there are and for how
 * many Shopify has the offered variant's cost: the others' discounts assume a share of the price.
 */
export async function offerCostCoverage(
  tx: Tx | Db,
  shopId: string,
): Promise<{ products: number; withCost: number }> {
  const [row] = await tx.$queryRawUnsafe<Array<{ products: number; withCost: number }>>(
    `SELECT count(*)::int AS products, count(v."unitCost")::int AS "withCost"
     ${OFFERABLE} AND p.source = 'shopify'`,
    shopId,
  );
  return row ?? { products: 0, withCost: 0 };
}
