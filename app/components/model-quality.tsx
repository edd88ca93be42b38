import { BlockStack, InlineGrid, Text } from "@shopify/polaris";
import type { LiveModel } from "~/services/setup-status.server";
import { Stat } from "./stat";

const number = new Intl.NumberFormat("en");
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** A model's holdout quality and what it learned from. */
export function ModelQuality({ model }: { model: LiveModel }) {
  const { metrics } = model;
  return (
    <BlockStack gap="300">
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Stat
          label="Version"
          value={`v${model.version}`}
          help={`trained ${day.format(new Date(model.trainedAt))}`}
        />
        <Stat
          label="Ranking quality (NDCG@10)"
          value={metrics ? metrics.ndcg.toFixed(3) : "–"}
          help={metrics ? `± ${metrics.ndcgStdErr.toFixed(3)} (standard error)` : undefined}
        />
        <Stat
          label="Hit rate@10"
          value={metrics ? `${(metrics.hitRate * 100).toFixed(1)}%` : "–"}
          help="checkouts where a bought product was offered"
        />
        <Stat label="Recall@10" value={metrics ? `${(metrics.recall * 100).toFixed(1)}%` : "–"} />
      </InlineGrid>
      <Text as="p" tone="subdued">
        Measured on {metrics ? number.format(metrics.queries) : "–"} recent checkouts it had not seen, after
        learning from {number.format(model.orderCount)} orders
        {model.dataFrom && model.dataTo
          ? ` placed ${day.format(new Date(model.dataFrom))} – ${day.format(new Date(model.dataTo))}`
          : ""}
        .
      </Text>
    </BlockStack>
  );
}
