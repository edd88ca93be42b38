import { Badge, BlockStack, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { dateTimeFormat } from "~/lib/format";
import type { ModelOverview } from "./version-item";

const RUN_TEXT: Record<string, string> = {
  running: "Running",
  stored: "Stored a version",
  skipped: "Skipped",
  failed: "Failed",
};
const REASON_TEXT: Record<string, string> = {
  import: "after the history import",
  nightly: "nightly",
  orders: "after new orders",
  manual: "by hand",
  outdated: "to replace a model this release cannot read",
  redaction: "to forget an erased customer",
  health: "after the health check found the model slipping",
};

export function TrainingRunsCard({ runs }: { runs: ModelOverview["runs"] }) {
  return (
    <SectionCard title="Training attempts">
      {runs.length === 0 ? (
        <Text as="p" tone="subdued">
          None yet.
        </Text>
      ) : (
        runs.map((run) => (
          <BlockStack key={run.id} gap="050">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {dateTimeFormat.format(new Date(run.startedAt))}
              </Text>
              <Badge
                tone={run.status === "failed" ? "critical" : run.status === "running" ? "info" : undefined}
              >
                {RUN_TEXT[run.status] ?? run.status}
              </Badge>
            </InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {REASON_TEXT[run.reason] ?? run.reason}
              {run.version ? ` · v${run.version}` : ""}
              {run.note ? ` · ${run.note}` : ""}
            </Text>
          </BlockStack>
        ))
      )}
    </SectionCard>
  );
}
