import { InlineGrid, Link, List, Text } from "@shopify/polaris";
import { useEmbeddedHref } from "~/components/embedded";
import { SectionCard } from "~/components/section-card";
import { Stat } from "~/components/stat";
import { count, dateFormat } from "~/lib/format";
import type { HealthCheckView } from "~/lib/model-health";
import type { ShopOverview } from "~/services/shop-overview.server";
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

type Serialized<T> = { [K in keyof T]: T[K] extends Date ? string | Date : T[K] };

/** The live model's latest nightly check in a line or two; the Models page has the rest. */
function HealthCard({ health }: { health: Serialized<HealthCheckView> }) {
  const href = useEmbeddedHref();
  const quality =
    health.ndcg !== null
      ? `NDCG@10 ${health.ndcg.toFixed(3)} on ${count.format(health.queries)} recent checkouts` +
        (health.holdoutNdcg !== null ? ` (${health.holdoutNdcg.toFixed(3)} when it went live).` : ".")
      : `${count.format(health.recentOrders)} orders since its data: too few to measure it on yet.`;
  return (
    <SectionCard title="Model health" gap="200">
      <Text as="p">
        Version {health.version}: {quality}
      </Text>
      <Text as="p" tone={health.alerts.length > 0 ? "caution" : "subdued"}>
        {health.alerts.length > 0
          ? `${health.alerts.length === 1 ? "1 alert" : `${health.alerts.length} alerts`}`
          : "No alert"}
        , checked {dateFormat.format(new Date(health.checkedAt))}.
      </Text>
      <Link url={href("/app/models")}>Model health</Link>
    </SectionCard>
  );
}

function SegmentsCard({ segments }: { segments: NonNullable<ShopOverview["segments"]> }) {
  const href = useEmbeddedHref();
  return (
    <SectionCard title="Customers by segment">
      <InlineGrid columns={2} gap="400">
        {segments.map((segment) => (
          <Stat key={segment.segment} label={segment.label} value={count.format(segment.customers)} />
        ))}
      </InlineGrid>
      <Link url={href("/app/segments")}>What each segment is offered</Link>
    </SectionCard>
  );
}

/** The home page's side column: the shop's data at a glance, its model's health, its segments, and where to go next. */
export function HomeAside({
  summary,
  health,
  segments,
}: {
  summary: DataSummary;
  health: Serialized<HealthCheckView> | null;
  segments: ShopOverview["segments"];
}) {
  const customers = segments?.reduce((sum, segment) => sum + segment.customers, 0) ?? 0;
  return (
    <>
      <DataCard summary={summary} />
      {health ? <HealthCard health={health} /> : null}
      {segments && customers > 0 ? <SegmentsCard segments={segments} /> : null}
      <NextCard />
    </>
  );
}
