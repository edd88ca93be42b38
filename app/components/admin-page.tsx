import { BlockStack, Layout, Page, type PageProps } from "@shopify/polaris";
import type { ReactNode } from "react";

/** The frame every admin page shares: its title, what it is for, and its actions. */
export function AdminPage({
  title,
  subtitle,
  primaryAction,
  secondaryActions,
  children,
}: Pick<PageProps, "title" | "subtitle" | "primaryAction" | "secondaryActions"> & { children: ReactNode }) {
  return (
    <Page title={title} subtitle={subtitle} primaryAction={primaryAction} secondaryActions={secondaryActions}>
      {children}
    </Page>
  );
}

/**
 * A page's two columns of cards: the main one, and a narrow one beside it (before it with
 * `asideFirst`). Cards in a column are spaced as everywhere in the admin.
 */
export function PageColumns({
  children,
  aside,
  asideFirst = false,
}: {
  children: ReactNode;
  aside: ReactNode;
  asideFirst?: boolean;
}) {
  const side = (
    <Layout.Section variant="oneThird">
      <BlockStack gap="400">{aside}</BlockStack>
    </Layout.Section>
  );
  return (
    <Layout>
      {asideFirst ? side : null}
      <Layout.Section>
        <BlockStack gap="400">{children}</BlockStack>
      </Layout.Section>
      {asideFirst ? null : side}
    </Layout>
  );
}
