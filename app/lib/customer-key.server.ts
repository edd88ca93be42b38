import { createHmac } from "node:crypto";
import { env } from "~/env.server";
import { numericId } from "./shopify-ids";

export type CustomerHasher = (customerId: string) => string;

/**
 * Customers are stored only as a keyed hash of (shop, customer id). Scoping by shop keeps one
 * person's records in two shops unlinkable; the secret keeps the id from being recovered by brute force.
 */
export function customerKey(
  shopDomain: string,
  customerId: string,
  secret = env().CUSTOMER_KEY_SECRET,
): string {
  const id = numericId(customerId) ?? customerId.trim();
  return createHmac("sha256", secret).update(`${shopDomain}\u0000${id}`).digest("base64url").slice(0, 32);
}

/** A hasher bound to one shop, caching results (an import sees the same customers many times). */
export function customerHasher(shopDomain: string): CustomerHasher {
  const secret = env().CUSTOMER_KEY_SECRET;
  const cache = new Map<string, string>();
  return (customerId) => {
    let key = cache.get(customerId);
    if (key === undefined) {
      key = customerKey(shopDomain, customerId, secret);
      cache.set(customerId, key);
    }
    return key;
  };
}
