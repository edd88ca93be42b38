import { z } from "zod";
import { gid, resourceId } from "~/lib/shopify-ids";
import type { AdminGraphql } from "./admin-graphql.server";

const PAGE_SIZE = 250;
/** What a page costs before Shopify refunds the difference: the collection, the connection, each product. */
const PAGE_COST = 1 + 2 + PAGE_SIZE;

const COLLECTION_PRODUCTS = `query CollectionProducts($id: ID!, $first: Int!, $after: String) {
  collection(id: $id) {
    products(first: $first, after: $after) {
      nodes { id }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const ProductGidSchema = z.string().transform((value, ctx) => {
  const id = resourceId(value, "Product");
  if (id === null) ctx.addIssue({ code: "custom", message: "not a product gid" });
  return id ?? "";
});

const PageSchema = z.object({
  collection: z
    .object({
      products: z.object({
        nodes: z.array(z.object({ id: ProductGidSchema })),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
      }),
    })
    .nullable(),
});

type CollectionPage = z.infer<typeof PageSchema>;

/**
 * Numeric ids of every product in the collection, read page by page; null when the shop has no
 * collection of that id. A failed or malformed page throws, for the job to retry.
 */
export async function collectionProductIds(
  admin: AdminGraphql,
  collectionId: string,
): Promise<string[] | null> {
  const productIds: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: CollectionPage = await admin.request(COLLECTION_PRODUCTS, {
      cost: PAGE_COST,
      schema: PageSchema,
      variables: { id: gid("Collection", collectionId), first: PAGE_SIZE, after },
    });
    if (!page.collection) return null;
    const { nodes, pageInfo } = page.collection.products;
    for (const node of nodes) productIds.push(node.id);
    if (!pageInfo.hasNextPage) return productIds;
    const next: string | null = pageInfo.endCursor ?? null;
    if (!next || next === after) throw new Error("collection page without a next cursor");
    after = next;
  }
}
