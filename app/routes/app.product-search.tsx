import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { searchProducts } from "~/services/search-products.server";
import { shopify } from "~/shopify.server";

const ProductSearchSchema = z.object({ q: z.string().trim().max(100).catch("") });

/** The shop's products whose title contains `q`, for the settings page's product picker: `{ products }`. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const { q } = ProductSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { products: await searchProducts(db(), { shopDomain: session.shop, query: q }) };
}
