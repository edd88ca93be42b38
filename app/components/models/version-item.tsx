import type { SerializeFrom } from "@remix-run/node";
import { Badge, BlockStack, Button, Divider, InlineStack, Text } from "@shopify/polaris";
import { count, dateFormat, dateTimeFormat } from "~/lib/format";
import type { getModelOverview } from "~/services/model-overview.server";

const STATUS_BADGE = {
  live: { tone: "success", text: "Live" },
  retired: { tone: undefined, text: "Retired" },
  rejected: { tone: "warning", text: "Rejected" },
  candidate: { tone: "info", text: "Being decided" },
} as const;

export type ModelOverview = SerializeFrom<typeof getModelOverview>;
export type ModelVersion = ModelOverview["versions"][number];

/** One trained version: its status, how it measured, what it learned from, and a way back to it. */
export function VersionItem({
  version,
  first,
  disabled,
  onRestore,
}: {
  version: ModelVersion;
  first: boolean;
  disabled: boolean;
  onRestore(): void;
}) {
  const badge = STATUS_BADGE[version.status as keyof typeof STATUS_BADGE] ?? STATUS_BADGE.retired;
  const metrics = version.metrics;
  return (
    <BlockStack gap="200">
      {first ? null : <Divider />}
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            Version {version.version}
          </Text>
          <Badge tone={badge.tone}>{badge.text}</Badge>
          <Text as="span" tone="subdued">
            trained {dateTimeFormat.format(new Date(version.trainedAt))}
          </Text>
        </InlineStack>
        {version.restorable ? (
          <Button
            size="slim"
            onClick={onRestore}
            accessibilityLabel={`Restore version ${version.version}`}
            disabled={disabled}
          >
            Restore
          </Button>
        ) : version.status !== "live" ? (
          <Text as="span" tone="subdued" variant="bodySm">
            {version.holdsErased ? "Trained before a customer was erased" : "No longer kept"}
          </Text>
        ) : null}
      </InlineStack>
      <Text as="p">
        {metrics
          ? `NDCG@10 ${metrics.ndcg.toFixed(3)} ± ${metrics.ndcgStdErr.toFixed(3)} · hit rate@10 ${(metrics.hitRate * 100).toFixed(1)}% · recall@10 ${(metrics.recall * 100).toFixed(1)}% · ${count.format(metrics.queries)} holdout checkouts`
          : "Metrics unreadable"}
      </Text>
      <Text as="p" tone="subdued">
        Learned from {count.format(version.orderCount)} orders
        {version.dataFrom && version.dataTo
          ? ` placed ${dateFormat.format(new Date(version.dataFrom))} – ${dateFormat.format(new Date(version.dataTo))}`
          : ""}
        , {count.format(version.productCount)} products, {count.format(version.customerCount)} customers, in{" "}
        {version.trainSeconds.toFixed(1)} s.
      </Text>
      {version.decisionNote ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {version.decisionNote}
        </Text>
      ) : null}
    </BlockStack>
  );
}
