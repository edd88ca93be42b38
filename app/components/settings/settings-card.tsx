import { Card, FormLayout, Layout } from "@shopify/polaris";
import type { ReactNode } from "react";

/** One group of settings: what it is for on the left, its fields in a card on the right. */
export function SettingsCard({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Layout.AnnotatedSection id={id} title={title} description={description}>
      <Card>
        <FormLayout>{children}</FormLayout>
      </Card>
    </Layout.AnnotatedSection>
  );
}
