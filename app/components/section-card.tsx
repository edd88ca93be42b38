import { BlockStack, type BlockStackProps, Card, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** A card with a heading: the unit the admin pages are made of. `link` sits at the heading's end. */
export function SectionCard({
  title,
  gap = "300",
  link,
  children,
}: {
  title: string;
  gap?: BlockStackProps["gap"];
  link?: ReactNode;
  children: ReactNode;
}) {
  const heading = (
    <Text as="h2" variant="headingMd">
      {title}
    </Text>
  );
  return (
    <Card>
      <BlockStack gap={gap}>
        {link ? (
          <InlineStack align="space-between" blockAlign="center">
            {heading}
            {link}
          </InlineStack>
        ) : (
          heading
        )}
        {children}
      </BlockStack>
    </Card>
  );
}
