import { Banner, BlockStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { count, dateTimeFormat } from "~/lib/format";
import type { HealthCheckView } from "~/lib/model-health";

type Serialized<T> = { [K in keyof T]: T[K] extends Date ? string | Date : T[K] };

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** The live model's latest nightly health check: how it ranks recent checkouts, and drift. */
export function HealthCard({ health }: { health: Serialized<HealthCheckView> | null }) {
  return (
    <SectionCard title="Model health">
      {health ? (
        <HealthDetails health={health} />
      ) : (
        <Text as="p" tone="subdued">
          Every night the live model is measured on the orders placed since its data. No check has run yet.
        </Text>
      )}
    </SectionCard>
  );
}

function HealthDetails({ health }: { health: Serialized<HealthCheckView> }) {
  const measured =
    health.ndcg !== null
      ? `NDCG@10 ${health.ndcg.toFixed(3)} on ${count.format(health.queries)} checkouts of the ` +
        `${count.format(health.recentOrders)} orders since its data` +
        (health.holdoutNdcg !== null ? `, against ${health.holdoutNdcg.toFixed(3)} when it went live.` : ".")
      : `${count.format(health.recentOrders)} orders since its data: too few checkouts yet to measure it on.`;
  return (
    <BlockStack gap="200">
      {health.alerts.length > 0 ? (
        <Banner tone="warning" title="The model is slipping">
          <BlockStack gap="100">
            {health.alerts.map((alert) => (
              <Text as="p" key={alert.kind}>
                {alert.message}
              </Text>
            ))}
            {health.retrainRequested ? <Text as="p">A retraining was requested.</Text> : null}
          </BlockStack>
        </Banner>
      ) : null}
      <Text as="p" tone="subdued">
        Checked {dateTimeFormat.format(new Date(health.checkedAt))} UTC, version {health.version}.
      </Text>
      <Text as="p">{measured}</Text>
      {health.unknownShare !== null ? (
        <Text as="p">
          Orders holding products the model never saw: {percent(health.unknownShare)}.
          {health.categoryPsi !== null
            ? ` Shift of the product-type mix: stability index ${health.categoryPsi.toFixed(2)} (under 0.10 is steady, over 0.25 a major shift).`
            : ""}
        </Text>
      ) : null}
    </BlockStack>
  );
}
