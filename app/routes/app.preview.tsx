import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Banner } from "@shopify/polaris";
import { z } from "zod";
import { AdminPage, PageColumns } from "~/components/admin-page";
import { EmbeddedFields, useEmbeddedHref } from "~/components/embedded";
import { PageError } from "~/components/page-error";
import { BlockedPairsCard, type PairActionResult } from "~/components/preview/blocked-pairs";
import { CartCard, MAX_CART } from "~/components/preview/cart-card";
import { OffersCard } from "~/components/preview/offers-card";
import { PurchasesCard, ShopperCard } from "~/components/preview-panels";
import { db } from "~/db.server";
import { isAppError } from "~/lib/errors";
import { allowOfferPair, blockOfferPair } from "~/services/block-offer-pair.server";
import { previewOffers } from "~/services/offer-preview.server";
import { shopify } from "~/shopify.server";

const PreviewQuerySchema = z.object({
  customer: z
    .string()
    .max(128)
    .regex(/^[\w-]*$/, "must be a customer from the list")
    .default(""),
  // Shopify shows order names with a leading "#".
  order: z
    .string()
    .trim()
    .max(64)
    .default("")
    .transform((value) => value.replace(/^#/, "")),
  cart: z
    .string()
    .max(MAX_CART * 40)
    .default("")
    .transform((value) => [...new Set(value.split(",").filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[\w-]{1,64}$/, "must be product ids")).max(MAX_CART)),
  q: z.string().trim().max(100).default(""),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = PreviewQuerySchema.safeParse(params);
  // A hand-edited address is answered with a clean page and what was wrong, not an error page.
  const problem = parsed.success ? null : parsed.error.issues[0]!;
  const { customer, order, cart, q } = parsed.success ? parsed.data : PreviewQuerySchema.parse({});
  const preview = await previewOffers(db(), {
    shopDomain: session.shop,
    customerKey: customer || null,
    orderNumber: order || null,
    cart,
    query: q,
  });
  const notice = problem
    ? `Ignored the address: ${problem.path.join(".")} ${problem.message}.`
    : preview.notice;
  return { ...preview, notice, enteredOrder: order, query: q };
}

const ProductIdSchema = z.string().regex(/^[\w-]{1,64}$/);
const PairActionSchema = z.object({
  intent: z.enum(["block", "allow"]),
  cartProductId: ProductIdSchema,
  offerProductId: ProductIdSchema,
});

/** Blocks a pair ("never offer X with Y") or allows it again; the page then reloads its preview. */
export async function action({ request }: ActionFunctionArgs): Promise<PairActionResult> {
  const { session } = await shopify().authenticate.admin(request);
  const parsed = PairActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, message: "That request was not understood; reload the page." };
  const { intent, ...pair } = parsed.data;
  try {
    if (intent === "block") await blockOfferPair(db(), { shopDomain: session.shop, ...pair });
    else await allowOfferPair(db(), { shopDomain: session.shop, ...pair });
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
  return {
    ok: true,
    message:
      intent === "block" ? "Blocked from the next checkout on." : "Allowed again from the next checkout on.",
  };
}

export default function Preview() {
  const data = useLoaderData<typeof loader>();
  const href = useEmbeddedHref();
  const navigation = useNavigation();
  const cartIds = data.cart.map((p) => p.productId);
  const hrefWith = (changes: Record<string, string>) =>
    href("/app/preview", {
      customer: data.customerKey ?? "",
      cart: cartIds.join(","),
      q: data.query,
      ...changes,
    });
  const hidden = (extra: Record<string, string>) => (
    <>
      <EmbeddedFields />
      {Object.entries(extra).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
  const chosen = data.customers.find((c) => c.customerKey === data.customerKey) ?? null;
  const shopper = (
    <>
      <ShopperCard
        // A new answer (an order's customer, say) resets what the fields show.
        key={`${data.customerKey ?? ""}|${data.order?.orderNumber ?? ""}`}
        customers={data.customers}
        customerKey={data.customerKey}
        order={data.order?.orderNumber ?? data.enteredOrder}
        fields={hidden({ q: data.query })}
        cart={cartIds.join(",")}
        loading={navigation.state !== "idle"}
      />
      <PurchasesCard
        customer={chosen}
        guest={!data.customerKey}
        order={data.order}
        purchases={data.purchases}
      />
      <CartCard
        data={data}
        hrefWith={hrefWith}
        searchFields={hidden({ customer: data.customerKey ?? "", cart: cartIds.join(",") })}
      />
    </>
  );
  return (
    <AdminPage
      title="Preview offers"
      subtitle="What the checkout offers a shopper, with its reasons, exactly as served"
    >
      <PageColumns aside={shopper} asideFirst>
        {data.notice ? <Banner tone="warning">{data.notice}</Banner> : null}
        <OffersCard result={data.result} noOffers={data.noOffers} cart={data.cart} demoted={data.demoted} />
        <BlockedPairsCard pairs={data.blockedPairs} total={data.blockedTotal} />
      </PageColumns>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Preview offers" />;
}
