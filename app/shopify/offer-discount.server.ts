import { z } from "zod";
import type { AdminGraphql } from "./admin-graphql.server";

/** What a mutation costs before Shopify refunds the difference (a mutation is 10 points). */
const MUTATION_COST = 10;
const QUERY_COST = 5;

/** The function extension's handle (extensions/offer-discount/shopify.extension.toml). */
export const OFFER_DISCOUNT_FUNCTION = "offer-discount";
/** Where the function reads its configuration: the discount's own, app-owned metafield. */
export const CONFIG_NAMESPACE = "$app";
export const CONFIG_KEY = "offer-discount";

/** What the function reads from the discount's metafield (extensions/offer-discount/src/main.rs). */
export interface OfferDiscountConfig {
  /** the shop's offer key, hex: it checks offer ids with it */
  key: string;
  /** offer ids above this percent get nothing: the merchant lowered the cap since serving */
  maxPercent: number;
  /** shown to the shopper with each discounted line, and the application's title on orders */
  message: string;
}

export interface AutomaticAppDiscount {
  title: string;
  config: OfferDiscountConfig;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
}

const UserErrors = z.array(
  z.object({ field: z.array(z.string()).nullish(), code: z.string().nullish(), message: z.string() }),
);

const CREATE = `mutation CreateOfferDiscount($discount: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $discount) {
    automaticAppDiscount { discountId }
    userErrors { field code message }
  }
}`;
const CreatedSchema = z.object({
  discountAutomaticAppCreate: z.object({
    automaticAppDiscount: z.object({ discountId: z.string() }).nullable(),
    userErrors: UserErrors,
  }),
});

const UPDATE = `mutation UpdateOfferDiscount($id: ID!, $discount: DiscountAutomaticAppInput!) {
  discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $discount) {
    automaticAppDiscount { discountId }
    userErrors { field code message }
  }
}`;
const UpdatedSchema = z.object({
  discountAutomaticAppUpdate: z.object({
    automaticAppDiscount: z.object({ discountId: z.string() }).nullable(),
    userErrors: UserErrors,
  }),
});

const DELETE = `mutation DeleteOfferDiscount($id: ID!) {
  discountAutomaticDelete(id: $id) {
    deletedAutomaticDiscountId
    userErrors { field code message }
  }
}`;
const DeletedSchema = z.object({
  discountAutomaticDelete: z.object({
    deletedAutomaticDiscountId: z.string().nullable(),
    userErrors: UserErrors,
  }),
});

const FIND = `query FindOfferDiscount($query: String!) {
  discountNodes(first: 10, query: $query) {
    nodes { id discount { __typename ... on DiscountAutomaticApp { title appDiscountType { appKey } } } }
  }
}`;
const FoundSchema = z.object({
  discountNodes: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        discount: z.object({
          __typename: z.string(),
          title: z.string().optional(),
          appDiscountType: z.object({ appKey: z.string().nullish() }).nullish(),
        }),
      }),
    ),
  }),
});

export class OfferDiscountRefused extends Error {
  constructor(action: string, errors: z.infer<typeof UserErrors>) {
    super(`Shopify refused to ${action} the offer discount: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "OfferDiscountRefused";
  }
}

function input(discount: AutomaticAppDiscount) {
  return {
    title: discount.title,
    combinesWith: discount.combinesWith,
    metafields: [
      {
        namespace: CONFIG_NAMESPACE,
        key: CONFIG_KEY,
        type: "json",
        value: JSON.stringify(discount.config),
      },
    ],
  };
}

/** Creates the shop's automatic discount that runs the offer discount function; gives its id. */
export async function createOfferDiscount(
  admin: AdminGraphql,
  discount: AutomaticAppDiscount,
  startsAt: Date,
): Promise<string> {
  const data = await admin.request(CREATE, {
    cost: MUTATION_COST,
    schema: CreatedSchema,
    variables: {
      discount: {
        ...input(discount),
        functionHandle: OFFER_DISCOUNT_FUNCTION,
        discountClasses: ["PRODUCT"],
        startsAt: startsAt.toISOString(),
      },
    },
  });
  const { automaticAppDiscount, userErrors } = data.discountAutomaticAppCreate;
  if (!automaticAppDiscount) throw new OfferDiscountRefused("create", userErrors);
  return automaticAppDiscount.discountId;
}

/** Writes the settings and key onto the discount; false when Shopify no longer has it. */
export async function updateOfferDiscount(
  admin: AdminGraphql,
  id: string,
  discount: AutomaticAppDiscount,
): Promise<boolean> {
  const data = await admin.request(UPDATE, {
    cost: MUTATION_COST,
    schema: UpdatedSchema,
    variables: { id, discount: input(discount) },
  });
  const { automaticAppDiscount, userErrors } = data.discountAutomaticAppUpdate;
  if (automaticAppDiscount) return true;
  if (userErrors.some(isMissing)) return false;
  throw new OfferDiscountRefused("update", userErrors);
}

/** Deletes the discount; a discount Shopify no longer has is deleted already. */
export async function deleteOfferDiscount(admin: AdminGraphql, id: string): Promise<void> {
  const data = await admin.request(DELETE, { cost: MUTATION_COST, schema: DeletedSchema, variables: { id } });
  const { deletedAutomaticDiscountId, userErrors } = data.discountAutomaticDelete;
  if (deletedAutomaticDiscountId || userErrors.every(isMissing)) return;
  throw new OfferDiscountRefused("delete", userErrors);
}

/**
 * This app's automatic discounts with this title (another app's, or the merchant's own, are left
 * alone): what an interrupted run may have created before it could record the id. Most shops have
 * one or none.
 */
export async function findOfferDiscounts(
  admin: AdminGraphql,
  { title, appKey }: { title: string; appKey: string },
): Promise<string[]> {
  const data = await admin.request(FIND, {
    cost: QUERY_COST,
    schema: FoundSchema,
    variables: { query: `title:'${title}' AND type:app` },
  });
  return data.discountNodes.nodes
    .filter(
      ({ discount }) =>
        discount.__typename === "DiscountAutomaticApp" &&
        discount.title === title &&
        discount.appDiscountType?.appKey === appKey,
    )
    .map((node) => node.id);
}

function isMissing(error: { field?: string[] | null; code?: string | null; message: string }): boolean {
  return error.code === "NOT_FOUND" || /does not exist|not found/i.test(error.message);
}
