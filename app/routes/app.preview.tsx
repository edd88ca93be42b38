import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  Tag,
  Text,
  Thumbnail,
} from "@shopify/polaris";
import { z } from "zod";
import { EmbeddedFields, useEmbeddedHref } from "~/components/embedded";
import { EmptyCard } from "~/components/empty-card";
import { PageError } from "~/components/page-error";
import { ProductSearch, PurchasesCard, ShopperCard } from "~/components/preview-panels";
import { db } from "~/db.server";
import { previewOffers } from "~/services/offer-preview.server";
import { shopify } from "~/shopify.server";

const MAX_CART = 10;
/** Shown for products without an image, as Shopify's admin shows them. */
const PLACEHOLDER_IMAGE = "/product-placeholder.svg";

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
  const loading = navigation.state !== "idle";
  const { offers, modelVersion } = data.result;
  return (
    <Page
      title="Preview offers"
      subtitle="What the checkout offers a shopper, with its reasons, exactly as served"
    >
      <Layout>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ShopperCard
              // A new answer (an order's customer, say) resets what the fields show.
              key={`${data.customerKey ?? ""}|${data.order?.orderNumber ?? ""}`}
              customers={data.customers}
              customerKey={data.customerKey}
              order={data.order?.orderNumber ?? data.enteredOrder}
              fields={hidden({ q: data.query })}
              cart={cartIds.join(",")}
              loading={loading}
            />
            <PurchasesCard
              customer={chosen}
              guest={!data.customerKey}
              order={data.order}
              purchases={data.purchases}
            />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Cart
                </Text>
                {data.cart.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Empty: the offers are what a shopper with nothing in the cart would see.
                  </Text>
                ) : (
                  <InlineStack gap="200">
                    {data.cart.map((product) =>
                      data.order ? (
                        <Tag key={product.productId}>{product.title}</Tag>
                      ) : (
                        <Tag
                          key={product.productId}
                          url={hrefWith({ cart: cartIds.filter((id) => id !== product.productId).join(",") })}
                        >
                          {`${product.title} ✕`}
                        </Tag>
                      ),
                    )}
                  </InlineStack>
                )}
                {data.order ? (
                  <Text as="p" tone="subdued">
                    {`${
                      data.cart.length === 1 ? "The only product" : `All ${data.cart.length} products`
                    } of order ${data.order.orderNumber}. Clear the order number to change the cart.`}
                  </Text>
                ) : (
                  <ProductSearch
                    fields={hidden({ customer: data.customerKey ?? "", cart: cartIds.join(",") })}
                    query={data.query}
                  />
                )}
                {!data.order && data.query && data.matches.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No active product matches “{data.query}”.
                  </Text>
                ) : null}
                {data.order
                  ? null
                  : data.matches.map((product) => (
                      <InlineStack key={product.productId} align="space-between" blockAlign="center">
                        <Text as="span">{product.title}</Text>
                        <Button
                          url={hrefWith({ cart: [...cartIds, product.productId].join(",") })}
                          disabled={cartIds.includes(product.productId) || cartIds.length >= MAX_CART}
                          accessibilityLabel={`Add ${product.title} to the cart`}
                        >
                          Add
                        </Button>
                      </InlineStack>
                    ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {data.notice ? <Banner tone="warning">{data.notice}</Banner> : null}
            <Card>
              <BlockStack gap="400">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Offers in checkout
                  </Text>
                  {/* Without offers the empty state says why; a settings reason never reached a model. */}
                  {offers.length > 0 ? (
                    <Badge tone={modelVersion === null ? "attention" : "success"}>
                      {modelVersion === null ? "No model yet: popular products" : `Model v${modelVersion}`}
                    </Badge>
                  ) : null}
                </InlineStack>
                {offers.length === 0 ? (
                  <EmptyCard
                    heading={data.noOffers?.heading ?? "No offers for this checkout"}
                    action={
                      data.noOffers?.action
                        ? { content: data.noOffers.action.label, url: href(data.noOffers.action.path) }
                        : undefined
                    }
                  >
                    {data.noOffers?.detail ?? "The app shows nothing rather than something irrelevant."}
                  </EmptyCard>
                ) : (
                  offers.map((offer) => (
                    <Box
                      key={offer.offerId}
                      padding="200"
                      borderColor="border"
                      borderWidth="025"
                      borderRadius="200"
                    >
                      <InlineStack gap="400" blockAlign="center" wrap={false}>
                        <Thumbnail
                          source={offer.imageUrl ?? PLACEHOLDER_IMAGE}
                          alt={offer.title}
                          size="small"
                        />
                        <BlockStack gap="100">
                          <Text as="h3" variant="headingSm">
                            {offer.title}
                          </Text>
                          <Text as="p">
                            {offer.compareAtPrice ? (
                              <Text as="span" tone="subdued" textDecorationLine="line-through">
                                {offer.compareAtPrice.amount} {offer.compareAtPrice.currencyCode}{" "}
                              </Text>
                            ) : null}
                            {offer.price.amount} {offer.price.currencyCode}
                          </Text>
                          <Text as="p" tone="subdued">
                            {offer.reason}
                          </Text>
                        </BlockStack>
                      </InlineStack>
                    </Box>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Preview offers" />;
}
