import { Badge, BlockStack, Box, Card, InlineStack, Text, Thumbnail } from "@shopify/polaris";
import { useEmbeddedHref } from "~/components/embedded";
import { EmptyCard } from "~/components/empty-card";
import { SEGMENT_LABELS } from "~/lib/segments";
import type { ShopPrice } from "~/services/checkout-offers.server";
import type { OfferPreview } from "~/services/offer-preview.server";
import { BlockPairControl } from "./blocked-pairs";

/** Shown for products without an image, as Shopify's admin shows them. */
const PLACEHOLDER_IMAGE = "/product-placeholder.svg";

/** The offers exactly as the checkout gets them, or why there are none; each can be blocked for the cart. */
export function OffersCard({
  result,
  noOffers,
  cart,
  demoted,
}: Pick<OfferPreview, "result" | "noOffers" | "cart" | "demoted">) {
  const ignoredText = (entry: OfferPreview["demoted"][number]) =>
    `shown ${entry.impressions.toLocaleString("en")} times with ${entry.cart.title}, never clicked or added`;
  const demotedOf = (offerGid: string) =>
    demoted.find(
      (entry) => entry.shown && entry.offer.productId === offerGid.replace(/^gid:\/\/shopify\/Product\//, ""),
    );
  const leftOut = demoted.filter((entry) => !entry.shown);
  const href = useEmbeddedHref();
  const { offers, modelVersion } = result;
  return (
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
        {offers.length > 0 ? (
          <Text as="p" tone="subdued">
            Prices as your shop sets them. Checkout shows each buyer Shopify's price, and title, for their
            market and language.
          </Text>
        ) : null}
        {result.segment ? (
          <Text as="p" tone="subdued">
            Shopper's segment: {SEGMENT_LABELS[result.segment]}
            {result.message ? `. Their message: “${result.message}”` : ""}
          </Text>
        ) : null}
        {offers.length === 0 ? (
          <EmptyCard
            heading={noOffers?.heading ?? "No offers for this checkout"}
            action={
              noOffers?.action
                ? { content: noOffers.action.label, url: href(noOffers.action.path) }
                : undefined
            }
          >
            {noOffers?.detail ?? "The app shows nothing rather than something irrelevant."}
          </EmptyCard>
        ) : (
          offers.map((offer) => {
            const moved = demotedOf(offer.productId);
            return (
              <Box
                key={offer.offerId}
                padding="200"
                borderColor="border"
                borderWidth="025"
                borderRadius="200"
              >
                <InlineStack gap="400" blockAlign="center" wrap={false}>
                  <Thumbnail source={offer.imageUrl ?? PLACEHOLDER_IMAGE} alt={offer.title} size="small" />
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {offer.title}
                    </Text>
                    <ShopPriceText price={result.shopPrices?.[offer.productId]} />
                    <Text as="p" tone="subdued">
                      {offer.reason}
                    </Text>
                    {result.discountNotes?.[offer.productId] ? (
                      <Text as="p">
                        Discount for this shopper: {result.discountNotes[offer.productId]!.explanation}
                      </Text>
                    ) : null}
                    {moved ? (
                      <Text as="p" tone="caution">
                        Moved down: {ignoredText(moved)}.
                      </Text>
                    ) : null}
                    <BlockPairControl
                      // The product's own id: numeric for Shopify's, a file's for an imported history.
                      offerProductId={offer.productId.replace(/^gid:\/\/shopify\/Product\//, "")}
                      cart={cart}
                    />
                  </BlockStack>
                </InlineStack>
              </Box>
            );
          })
        )}
        {leftOut.length > 0 ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Left out for this cart, as shoppers ignore them
            </Text>
            {leftOut.map((entry) => (
              <Text as="p" tone="subdued" key={entry.offer.productId}>
                {entry.offer.title}: {ignoredText(entry)}.
              </Text>
            ))}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/**
 * The price as the shop sets it. Checkout shows each buyer their market's price, which Shopify
 * gives the extension, so a buyer in another currency may see another amount.
 */
function ShopPriceText({ price }: { price: ShopPrice | undefined }) {
  if (!price) return null;
  const code = price.currencyCode ? ` ${price.currencyCode}` : "";
  return (
    <Text as="p">
      {price.compareAtAmount ? (
        <Text as="span" tone="subdued" textDecorationLine="line-through">
          {price.compareAtAmount}
          {code}{" "}
        </Text>
      ) : null}
      {price.amount}
      {/* Known from the shop's latest Shopify order; an imported file names none. */}
      {code || " in the shop's currency"}
    </Text>
  );
}
