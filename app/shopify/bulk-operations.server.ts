import { z } from "zod";

/** The `admin.graphql` client of @shopify/shopify-app-remix (routes and workers pass theirs). */
export type GraphqlClient = (
  query: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

// A variant's inventory item carries what a unit costs the merchant (null when they entered none);
// read_products is enough to read it (Shopify's changelog, 2025-01-22).
export const PRODUCTS_BULK_QUERY = `{
  products {
    edges { node {
      id title handle productType vendor tags status updatedAt
      featuredMedia { preview { image { url } } }
      variants { edges { node {
        id title sku price compareAtPrice availableForSale
        inventoryItem { id updatedAt unitCost { amount } }
      } } }
    } }
  }
}`;

export const ORDERS_BULK_QUERY = `{
  orders(sortKey: CREATED_AT) {
    edges { node {
      id createdAt updatedAt cancelledAt test currencyCode displayFinancialStatus
      customer { id }
      totalPriceSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } }
      lineItems { edges { node {
        id title quantity currentQuantity
        product { id }
        variant { id }
        originalUnitPriceSet { shopMoney { amount } }
        customAttributes { key value }
      } } }
    } }
  }
}`;

const RUN_MUTATION = `mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

const STATUS_QUERY = `query BulkOperation($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount url partialDataUrl }
  }
}`;

const BulkOperationSchema = z.object({
  id: z.string(),
  status: z.enum(["CREATED", "RUNNING", "COMPLETED", "CANCELING", "CANCELED", "FAILED", "EXPIRED"]),
  errorCode: z.string().nullish(),
  objectCount: z.union([z.string(), z.number()]).nullish(),
  url: z.string().nullish(),
  partialDataUrl: z.string().nullish(),
});
export type BulkOperation = z.infer<typeof BulkOperationSchema>;

async function body(response: Response): Promise<{ data?: unknown; errors?: unknown }> {
  if (!response.ok) throw new Error(`Admin API answered ${response.status}`);
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

export async function startBulkQuery(graphql: GraphqlClient, query: string): Promise<string> {
  const result = await body(await graphql(RUN_MUTATION, { variables: { query } }));
  const parsed = z
    .object({
      bulkOperationRunQuery: z.object({
        bulkOperation: z.object({ id: z.string() }).nullable(),
        userErrors: z.array(z.object({ message: z.string() })),
      }),
    })
    .parse(result.data);
  const { bulkOperation, userErrors } = parsed.bulkOperationRunQuery;
  if (userErrors.length > 0 || !bulkOperation) {
    throw new Error(`bulk query refused: ${userErrors.map((e) => e.message).join("; ") || "no operation"}`);
  }
  return bulkOperation.id;
}

export async function fetchBulkOperation(graphql: GraphqlClient, id: string): Promise<BulkOperation> {
  const result = await body(await graphql(STATUS_QUERY, { variables: { id } }));
  return z.object({ node: BulkOperationSchema }).parse(result.data).node;
}
