import { Button, InlineStack, Tag, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { ProductSearch } from "~/components/preview-panels";
import { SectionCard } from "~/components/section-card";
import type { OfferPreview } from "~/services/offer-preview.server";

export const MAX_CART = 10;

/**
 * The previewed cart: an order's products as they were, or products added by search and removed by
 * their tag. Every change is a link, so the address always says what is previewed.
 */
export function CartCard({
  data,
  hrefWith,
  searchFields,
}: {
  data: Pick<OfferPreview, "cart" | "matches" | "order"> & { query: string };
  hrefWith(changes: Record<string, string>): string;
  searchFields: ReactNode;
}) {
  const cartIds = data.cart.map((p) => p.productId);
  return (
    <SectionCard title="Cart">
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
        <ProductSearch fields={searchFields} query={data.query} />
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
    </SectionCard>
  );
}
