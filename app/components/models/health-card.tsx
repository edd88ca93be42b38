import { Banner, BlockStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { count, dateTimeFormat } from "~/lib/format";
import { type HealthCheckView, healthAlertTitle } from "~/lib/model-health";
import { formatMs, MIN_SERVING_REQUESTS, SERVING_DAYS, type ServingStats } from "~/lib/serving-stats";

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
        <Banner tone="warning" title={healthAlertTitle(health.alerts)}>
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
      {health.serving ? <Text as="p">{servingText(health.serving)}</Text> : null}
    </BlockStack>
  );
}

function servingText(serving: ServingStats): string {
  const head = `Offers endpoint, last ${SERVING_DAYS} days: ${count.format(serving.requests)} requests`;
  if (serving.requests === 0) return `${head}.`;
  const failed = `${((serving.failures / serving.requests) * 100).toFixed(2)}% failed`;
  const upTo = (ms: number | null) => (ms === null ? "–" : `up to ${formatMs(ms)}`);
  const times = `median ${upTo(serving.p50Ms)}, 95th percentile ${upTo(serving.p95Ms)}, 99th ${upTo(serving.p99Ms)}`;
  const judged =
    serving.requests < MIN_SERVING_REQUESTS
      ? ` Too few to hold against the checkout's bar (${count.format(MIN_SERVING_REQUESTS)} needed).`
      : "";
  return `${head}, ${failed}; ${times}.${judged}`;
}
