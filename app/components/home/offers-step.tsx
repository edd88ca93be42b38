import { Button, InlineStack, Link, List, Text } from "@shopify/polaris";
import { useEmbeddedHref } from "~/components/embedded";
import { LabelledItem } from "~/components/labelled-item";
import { dateFormat } from "~/lib/format";
import { Step } from "./step";

/** Where the offers can appear, and whether the shop has asked for any yet. */
export function OffersStep({
  storeHandle,
  firstRequestedAt,
}: {
  storeHandle: string;
  firstRequestedAt: string | Date | null;
}) {
  const href = useEmbeddedHref();
  const editor = `https://admin.shopify.com/store/${storeHandle}/settings/checkout/editor`;
  return (
    <Step number={3} title="Show the offers to your shoppers" state={firstRequestedAt ? "done" : "todo"}>
      {firstRequestedAt ? (
        <Text as="p">
          Your shop first asked for offers on {dateFormat.format(new Date(firstRequestedAt))}. Add the block
          to more pages if you like:
        </Text>
      ) : (
        <Text as="p" tone="subdued">
          Done once your checkout, Thank you page or storefront first asks for offers. Previews here do not
          count.
        </Text>
      )}
      <List>
        <LabelledItem label="Checkout (Shopify Plus):">
          add the “Checkout Upsell AI” block in the{" "}
          <Link url={editor} target="_top">
            checkout editor
          </Link>
          . Blocks inside checkout need Shopify Plus.
        </LabelledItem>
        <LabelledItem label="Thank you page (every plan):">
          in the same editor, choose the Thank you page and add the block there.
        </LabelledItem>
        <LabelledItem label="Storefront (every plan):">
          your theme can ask <code>/apps/upsell/offers?products=…</code> for offers on any page.
        </LabelledItem>
      </List>
      <InlineStack gap="200">
        <Button url={editor} target="_top" variant="primary">
          Open the checkout editor
        </Button>
        <Link url={href("/app/preview")}>Preview what shoppers see</Link>
      </InlineStack>
    </Step>
  );
}
