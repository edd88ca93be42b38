import { InlineGrid, Link, List, Text } from "@shopify/polaris";
import { useEmbeddedHref } from "~/components/embedded";
import { SectionCard } from "~/components/section-card";
import { Stat } from "~/components/stat";
import { count } from "~/lib/format";
import type { DataSummary } from "./import-step";

function DataCard({ summary }: { summary: DataSummary }) {
  const href = useEmbeddedHref();
  return (
    <SectionCard title="Your data">
      {summary !== null && summary.orders > 0 ? (
        <InlineGrid columns={2} gap="400">
          <Stat label="Orders" value={count.format(summary.orders)} />
          <Stat label="Customers" value={count.format(summary.customers)} />
          <Stat label="Products" value={count.format(summary.products)} />
          <Stat label="Order lines" value={count.format(summary.lines)} />
        </InlineGrid>
      ) : (
        <Text as="p" tone="subdued">
          No orders yet.
        </Text>
      )}
      <Link url={href("/app/privacy")}>What is stored, and customer data requests</Link>
    </SectionCard>
  );
}

function NextCard() {
  const href = useEmbeddedHref();
  return (
    <SectionCard title="Next" gap="200">
      <List>
        <List.Item>
          <Link url={href("/app/performance")}>See how offers perform</Link>
        </List.Item>
        <List.Item>
          <Link url={href("/app/settings")}>Choose where offers appear, and how many</Link>
        </List.Item>
        <List.Item>
          <Link url={href("/app/preview")}>Preview offers for a customer</Link>
        </List.Item>
      </List>
    </SectionCard>
  );
}

/** The home page's side column: the shop's data at a glance, and where to go next. */
export function HomeAside({ summary }: { summary: DataSummary }) {
  return (
    <>
      <DataCard summary={summary} />
      <NextCard />
    </>
  );
}
