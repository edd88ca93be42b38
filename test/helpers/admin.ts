import { API_KEY, API_SECRET_KEY, BASE64_HOST, getJwt } from "@shopify/shopify-api/test-helpers";
import { loader as previewLoader } from "~/routes/app.preview";
import { callRoute } from "./routes";
import { BROWSER_UA } from "./shopify";

/**
 * A request from the embedded admin: the query App Bridge adds (embedded, shop, host) and a valid
 * session token, as a GET or as a form POST.
 */
export async function adminRequest(
  path: string,
  { shop, form }: { shop: string; form?: Array<[string, string]> | Record<string, string> },
): Promise<Request> {
  const url = new URL(`https://my-test-app.myshopify.io${path}`);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", BASE64_HOST);
  const { token } = await getJwt(shop.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY);
  url.searchParams.set("id_token", token);
  if (!form) return new Request(url, { headers: { "User-Agent": BROWSER_UA } });
  return new Request(url, {
    method: "POST",
    headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

/** The Preview page's data for a cart of product ids, as the merchant opens it. */
export async function previewPage(shop: string, cart: readonly string[]) {
  const query = new URLSearchParams({ cart: cart.join(",") });
  const response = await callRoute(previewLoader, await adminRequest(`/app/preview?${query}`, { shop }));
  if (response.status !== 200) throw new Error(`The preview answered ${response.status}`);
  return response.json();
}
