import {
  MAX_CART_LINES,
  MAX_EVENTS_PER_REQUEST,
  OFFER_EVENT_TYPES,
  type OfferEvent,
  type OfferEventsRequest,
  SURFACES,
} from "@checkout-upsell-ai/checkout-contract";
import { z } from "zod";
import { resourceId } from "./shopify-ids";

// The wire's shapes and limits are the checkout contract's (packages/checkout-contract); these
// schemas check them at the boundary. Offers requests are parsed leniently (bare or numeric ids,
// no variant or quantity), so their schema is tested against the contract in offers.test.ts.
export {
  MAX_CART_LINES,
  MAX_EVENTS_PER_REQUEST,
  OFFER_EVENT_TYPES,
  type OfferEventType,
  SURFACES,
  type Surface,
} from "@checkout-upsell-ai/checkout-contract";

/** The largest offers request body read: a full cart of MAX_CART_LINES lines is far below it. */
export const MAX_OFFERS_REQUEST_BYTES = 64 * 1024;

const SurfaceSchema = z.enum(SURFACES, { error: `must be one of ${SURFACES.join(", ")}` });

/** A Shopify id as a gid of the type or bare digits (strings, or numbers in JSON). */
function shopifyIdSchema(type: "Product" | "ProductVariant") {
  return z.union([z.string(), z.number().transform(String)]).pipe(shopifyIdStringSchema(type));
}

function shopifyIdStringSchema(type: "Product" | "ProductVariant") {
  return z
    .string()
    .max(64)
    .transform((value, ctx) => {
      const id = resourceId(value, type);
      if (id === null) {
        ctx.addIssue({
          code: "custom",
          message: `must be a ${type} id ("gid://shopify/${type}/123" or "123")`,
        });
        return z.NEVER;
      }
      return id;
    });
}

const LocaleSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as "en" or "fr-CA"');

export const CartLineSchema = z.object({
  productId: shopifyIdSchema("Product"),
  variantId: shopifyIdSchema("ProductVariant").nullish(),
  quantity: z.number().int().min(1).max(100_000).optional(),
});

/** Body of POST /api/checkout/offers. */
export const OffersRequestSchema = z.object({
  cart: z.object({
    lines: z.array(CartLineSchema).max(MAX_CART_LINES, `must have at most ${MAX_CART_LINES} lines`),
  }),
  locale: LocaleSchema,
  surface: SurfaceSchema,
  /** the checkout's own key (the extension sends Shopify's checkout token), for a guest's experiment arm */
  unitKey: z
    .string()
    .regex(/^[\w-]{1,128}$/, "must be 1 to 128 letters, digits, _ or -")
    .optional(),
});
export type OffersRequestInput = z.infer<typeof OffersRequestSchema>;

export const OfferEventSchema = z.object({
  type: z.enum(OFFER_EVENT_TYPES, { error: `must be one of ${OFFER_EVENT_TYPES.join(", ")}` }),
  offerId: z.string().min(1).max(128),
  surface: SurfaceSchema,
  at: z.iso.datetime({ offset: true }).optional(),
}) satisfies z.ZodType<OfferEvent>;
export type OfferEventInput = z.infer<typeof OfferEventSchema>;

/** Body of POST /api/checkout/events. */
export const OfferEventsRequestSchema = z.object({
  events: z
    .array(OfferEventSchema)
    .min(1, "must have at least one event")
    .max(MAX_EVENTS_PER_REQUEST, `must have at most ${MAX_EVENTS_PER_REQUEST} events`),
  cart: z
    .array(shopifyIdStringSchema("Product"))
    .max(MAX_CART_LINES, `must list at most ${MAX_CART_LINES} products`)
    .optional(),
}) satisfies z.ZodType<OfferEventsRequest>;

/** Query of GET /proxy/offers (storefront pages, through the app proxy): the cart as comma-separated product ids. */
export const ProxyOffersQuerySchema = z.object({
  products: z
    .string()
    .max(MAX_CART_LINES * 40)
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(shopifyIdStringSchema("Product"))
        .max(MAX_CART_LINES, `must list at most ${MAX_CART_LINES} products`),
    ),
  locale: LocaleSchema.optional(),
});
export type ProxyOffersQuery = z.infer<typeof ProxyOffersQuerySchema>;
