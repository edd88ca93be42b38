import { z } from "zod";

const Id = z.union([z.string().trim().min(1).max(255), z.number().int().nonnegative()]).transform(String);

/**
 * One line of `npm run offers`'s queries: a shopper (an id of the shop's data, a CSV's customer id
 * or a Shopify customer id; none for a guest) at checkout with a cart of product ids; `at`, when
 * given, previews the checkout as of that moment (the shopper's history before it).
 */
export const OfferQuerySchema = z.object({
  id: Id,
  customer_id: Id.nullish(),
  cart: z.array(Id).max(100).default([]),
  at: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "is not a date")
    .transform((value) => new Date(value))
    .nullish(),
});
export type OfferQuery = z.infer<typeof OfferQuerySchema>;

export type ParsedOfferQuery = { ok: true; query: OfferQuery } | { ok: false; reason: string };

/** A query line, or why it is not one. */
export function parseOfferQuery(line: string): ParsedOfferQuery {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: "is not JSON" };
  }
  const parsed = OfferQuerySchema.safeParse(value);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  return { ok: false, reason: path ? `${path} ${issue.message}` : issue.message };
}
