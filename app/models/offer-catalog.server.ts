import { type Db, hotQuery, type Tx } from "~/db.server";

/**
 * What serving offers needs of a shop besides its model: id, settings, currency (the shop
 * currency of its latest Shopify order; prices are stored in it) and whether its catalog comes only
 * from order files, in one query. Null: no such installed shop.
 */
export async function offerShopContext(tx: Tx | Db, shopDomain: string) {
  const [row] = await tx.$queryRaw<
    Array<{ shopId: string; settings: unknown; currency: string | null; fileCatalog: boolean }>
  >`
    SELECT s.id::text AS "shopId", s.settings,
      (SELECT o.currency FROM "Order" o
       WHERE o."shopId" = s.id AND o.source = 'shopify' AND o.currency IS NOT NULL AND o."orderedAt" IS NOT NULL
       ORDER BY o."orderedAt" DESC LIMIT 1) AS currency,
      NOT EXISTS (SELECT 1 FROM "Product" p WHERE p."shopId" = s.id AND p.source = 'shopify') AS "fileCatalog"
    FROM "Shop" s
    WHERE s.domain = ${shopDomain} AND s."uninstalledAt" IS NULL`;
  return row ?? null;
}

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
 * The offerable products among `productIds`, in one query: active, available, with the cheapest
 * available variant that has a price. Products missing from the answer cannot be offered.
 */
export async function offerProducts({
  shopId,
  productIds,
}: {
  shopId: string;
  productIds: string[];
}): Promise<OfferProduct[]> {
  if (productIds.length === 0) return [];
  // On the checkout's path: hotQuery, not Prisma.
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
     WHERE p."shopId" = $1::uuid AND p."externalId" = ANY($2::text[])
       AND p.status = 'ACTIVE' AND p.available`,
    [shopId, productIds],
  );
}
