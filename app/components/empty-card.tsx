import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

interface EmptyAction {
  content: string;
  url?: string;
  onAction?: () => void;
  disabled?: boolean;
}

/** What a card says when it has nothing to show yet, and what to do about it (no illustration to load). */
export function EmptyCard({
  heading,
  children,
  action,
  secondaryAction,
}: {
  heading: string;
  children: ReactNode;
  action?: EmptyAction;
  secondaryAction?: EmptyAction;
}) {
  return (
    <Box paddingBlock="800" paddingInline="400">
      <BlockStack gap="300" inlineAlign="center">
        <Text as="h2" variant="headingMd" alignment="center">
          {heading}
        </Text>
        <Box maxWidth="36rem">
          <Text as="p" tone="subdued" alignment="center">
            {children}
          </Text>
        </Box>
        {action || secondaryAction ? (
          <InlineStack gap="200">
            {action ? (
              <Button variant="primary" url={action.url} onClick={action.onAction} disabled={action.disabled}>
                {action.content}
              </Button>
            ) : null}
            {secondaryAction ? (
              <Button url={secondaryAction.url} onClick={secondaryAction.onAction}>
                {secondaryAction.content}
              </Button>
            ) : null}
          </InlineStack>
        ) : null}
      </BlockStack>
    </Box>
  );
}
