import { z } from "zod";
import type { AdminGraphql } from "./admin-graphql.server";

/** What a mutation costs before Shopify refunds the difference (a mutation is 10 points). */
const MUTATION_COST = 10;
const QUERY_COST = 2;

const CREATE_CODE_DISCOUNT = `mutation CreateCodeDiscount($discount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $discount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

const CODE_DISCOUNT_BY_CODE = `query CodeDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

const CreatedSchema = z.object({
  discountCodeBasicCreate: z.object({
    codeDiscountNode: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(
      z.object({ field: z.array(z.string()).nullish(), code: z.string().nullish(), message: z.string() }),
    ),
  }),
});

const FoundSchema = z.object({ codeDiscountNodeByCode: z.object({ id: z.string() }).nullable() });

export interface SingleUseCode {
  code: string;
  title: string;
  /** numeric Shopify product id: the only product the code takes money off */
  productId: string;
  /** 1 to 100 */
  percent: number;
  startsAt: Date;
  endsAt: Date;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
}

export type CreateResult = { id: string } | { taken: true } | { refused: string };

/**
 * Creates one code discount that a single order can use: usage limit 1, once per customer, a
 * percentage off one product, open to every buyer (the code itself is the secret) until `endsAt`.
 * A code that already exists in the shop answers `taken` (Shopify refuses duplicate codes).
 */
export async function createSingleUseCode(admin: AdminGraphql, code: SingleUseCode): Promise<CreateResult> {
  const data = await admin.request(CREATE_CODE_DISCOUNT, {
    cost: MUTATION_COST,
    schema: CreatedSchema,
    variables: {
      discount: {
        title: code.title,
        code: code.code,
        startsAt: code.startsAt.toISOString(),
        endsAt: code.endsAt.toISOString(),
        usageLimit: 1,
        appliesOncePerCustomer: true,
        context: { all: "ALL" },
        customerGets: {
          items: { products: { productsToAdd: [`gid://shopify/Product/${code.productId}`] } },
          value: { percentage: code.percent / 100 },
        },
        combinesWith: code.combinesWith,
      },
    },
  });
  const { codeDiscountNode, userErrors } = data.discountCodeBasicCreate;
  if (codeDiscountNode) return { id: codeDiscountNode.id };
  if (userErrors.some((error) => error.code === "TAKEN")) return { taken: true };
  return { refused: userErrors.map((error) => error.message).join("; ") || "no discount created" };
}

/** The code discount with this code (case-insensitive), or null. */
export async function findCodeDiscount(admin: AdminGraphql, code: string): Promise<string | null> {
  const data = await admin.request(CODE_DISCOUNT_BY_CODE, {
    cost: QUERY_COST,
    schema: FoundSchema,
    variables: { code },
  });
  return data.codeDiscountNodeByCode?.id ?? null;
}
