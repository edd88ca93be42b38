import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Select,
  Tag,
  Text,
  TextField,
  Thumbnail,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { EmbeddedFields, useEmbeddedHref } from "~/components/embedded";
import { PageError } from "~/components/page-error";
import { db } from "~/db.server";
import { previewOffers } from "~/services/offer-preview.server";
import { shopify } from "~/shopify.server";

const MAX_CART = 10;

const PreviewQuerySchema = z.object({
  customer: z
    .string()
    .max(128)
    .regex(/^[\w-]*$/, "must be a customer from the list")
    .default(""),
  order: z.string().trim().max(64).default(""),
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
  return { ...preview, notice, order, query: q };
}

const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

export default function Preview() {
  const data = useLoaderData<typeof loader>();
  const href = useEmbeddedHref();
  const navigation = useNavigation();
  const [customer, setCustomer] = useState(data.customerKey ?? "");
  const [order, setOrder] = useState(data.order);
  const [query, setQuery] = useState(data.query);
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
  const options = [
    { label: "A guest (no purchase history)", value: "" },
    ...data.customers.map((c) => ({
      label: `Customer ${c.customerKey.slice(0, 8)} · ${c.orders} orders${
        c.lastOrderAt ? ` · last ${day.format(new Date(c.lastOrderAt))}` : ""
      }`,
      value: c.customerKey,
    })),
  ];
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
            <Card>
              <Form method="get">
                {hidden({ cart: cartIds.join(","), q: data.query })}
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Shopper
                  </Text>
                  <Select
                    label="Customer"
                    name="customer"
                    options={options}
                    value={customer}
                    onChange={setCustomer}
                  />
                  <TextField
                    label="Or an order number"
                    name="order"
                    value={order}
                    onChange={setOrder}
                    autoComplete="off"
                    helpText="Previews that order's customer, and its products as the cart when the cart is empty."
                  />
                  <Button submit loading={loading}>
                    Preview
                  </Button>
                </BlockStack>
              </Form>
            </Card>
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
                    {data.cart.map((product) => (
                      <Tag
                        key={product.productId}
                        url={hrefWith({ cart: cartIds.filter((id) => id !== product.productId).join(",") })}
                      >
                        {`${product.title} ✕`}
                      </Tag>
                    ))}
                  </InlineStack>
                )}
                <Form method="get">
                  {hidden({ customer: data.customerKey ?? "", cart: cartIds.join(",") })}
                  <BlockStack gap="200">
                    <TextField
                      label="Find a product to add"
                      name="q"
                      value={query}
                      onChange={setQuery}
                      autoComplete="off"
                    />
                    <Button submit>Search</Button>
                  </BlockStack>
                </Form>
                {data.query && data.matches.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No active product matches “{data.query}”.
                  </Text>
                ) : null}
                {data.matches.map((product) => (
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
                  <Badge tone={modelVersion === null ? "attention" : "success"}>
                    {modelVersion === null ? "No model yet: popular products" : `Model v${modelVersion}`}
                  </Badge>
                </InlineStack>
                {offers.length === 0 ? (
                  <EmptyState heading="No offers for this checkout" image="">
                    <p>
                      The app shows nothing rather than something irrelevant: offers appear once the shop has
                      active products with prices in stock, and the app is enabled in its settings.
                    </p>
                  </EmptyState>
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
                        <Thumbnail source={offer.imageUrl ?? ""} alt={offer.title} size="small" />
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
