import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import type { OfferPreview, PreviewBlockedPair } from "~/services/offer-preview.server";

/** What the preview's block and allow actions answer. */
export interface PairActionResult {
  ok: boolean;
  message: string;
}

type Cart = OfferPreview["cart"];

/** "Never offer with …": blocks the offer for carts holding the chosen cart product. */
export function BlockPairControl({ offerProductId, cart }: { offerProductId: string; cart: Cart }) {
  const fetcher = useFetcher<PairActionResult>();
  const [cartProductId, setCartProductId] = useState(cart[0]?.productId ?? "");
  if (cart.length === 0) return null;
  const busy = fetcher.state !== "idle";
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        {cart.length > 1 ? (
          <Select
            label="Cart product"
            labelHidden
            options={cart.map((product) => ({ label: product.title, value: product.productId }))}
            value={cartProductId}
            onChange={setCartProductId}
          />
        ) : null}
        <Button
          size="slim"
          loading={busy}
          accessibilityLabel={`Never offer this with ${cart.find((p) => p.productId === cartProductId)?.title}`}
          onClick={() =>
            fetcher.submit({ intent: "block", cartProductId, offerProductId }, { method: "post" })
          }
        >
          {cart.length > 1 ? "Never offer with it" : `Never offer with ${cart[0]!.title}`}
        </Button>
      </InlineStack>
      {fetcher.data && !fetcher.data.ok ? (
        <Text as="p" tone="critical">
          {fetcher.data.message}
        </Text>
      ) : null}
    </BlockStack>
  );
}

/** The pairs the merchant blocked, those of the previewed cart first, each with "Allow again". */
export function BlockedPairsCard({ pairs, total }: { pairs: PreviewBlockedPair[]; total: number }) {
  const fetcher = useFetcher<PairActionResult>();
  if (total === 0) return null;
  const busyWith = fetcher.formData
    ? `${fetcher.formData.get("cartProductId")}|${fetcher.formData.get("offerProductId")}`
    : null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Never offered together
        </Text>
        <Text as="p" tone="subdued">
          {total === 1 ? "1 pair is blocked" : `${total} pairs are blocked`}: the first product is never
          offered to a cart holding the second.
          {pairs.length < total ? ` The newest ${pairs.length} are listed.` : ""}
        </Text>
        {fetcher.data && !fetcher.data.ok ? <Banner tone="critical">{fetcher.data.message}</Banner> : null}
        {pairs.map((pair) => {
          const key = `${pair.cart.productId}|${pair.offer.productId}`;
          return (
            <InlineStack key={key} align="space-between" blockAlign="center" gap="200" wrap={false}>
              <Text as="p">
                {pair.offer.title}{" "}
                <Text as="span" tone="subdued">
                  never with
                </Text>{" "}
                {pair.cart.title}
                {pair.inCart ? (
                  <Text as="span" tone="caution">
                    {" "}
                    (left out of this checkout)
                  </Text>
                ) : null}
              </Text>
              <Button
                size="slim"
                variant="plain"
                loading={busyWith === key}
                onClick={() =>
                  fetcher.submit(
                    {
                      intent: "allow",
                      cartProductId: pair.cart.productId,
                      offerProductId: pair.offer.productId,
                    },
                    { method: "post" },
                  )
                }
              >
                Allow again
              </Button>
            </InlineStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
