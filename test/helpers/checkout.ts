import { expect } from "vitest";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { callRoute } from "./routes";
import { checkoutRequest, checkoutToken } from "./shopify";

/**
 * The checkout's offers for a cart of numeric product ids, as the extension asks for them: a guest,
 * or the logged-in customer `customerId`, from `clientAddress` (each address has its own rate limit).
 */
export async function checkoutOffers(
  shop: string,
  cart: readonly string[],
  { customerId, clientAddress }: { customerId?: string; clientAddress?: string } = {},
): Promise<Array<{ productId: string; offerId: string }>> {
  const token = await checkoutToken({ shop, customerId });
  const lines = cart.map((id) => ({
    productId: `gid://shopify/Product/${id}`,
    variantId: `gid://shopify/ProductVariant/${id}1`,
    quantity: 1,
  }));
  const body = { cart: { lines }, locale: "en", surface: "checkout" };
  const response = await callRoute(
    offersAction,
    checkoutRequest("/api/checkout/offers", { token, body }),
    {},
    clientAddress ? { clientAddress } : {},
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { offers: Array<{ productId: string; offerId: string }> }).offers;
}
