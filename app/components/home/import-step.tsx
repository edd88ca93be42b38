import type { SerializeFrom } from "@remix-run/node";
import { Banner, Text } from "@shopify/polaris";
import { ImportProgress } from "~/components/setup-progress";
import { count, dateFormat } from "~/lib/format";
import type { ImportStatus } from "~/services/setup-status.server";
import type { getShopOverview } from "~/services/shop-overview.server";
import { Step, type StepState } from "./step";

export type DataSummary = SerializeFrom<typeof getShopOverview>["summary"];

export function ImportStep({
  run,
  summary,
  state,
}: {
  run: ImportStatus | null;
  summary: DataSummary;
  state: StepState;
}) {
  return (
    <Step number={1} title="Import your order history" state={state}>
      {run ? <ImportProgress run={run} /> : null}
      {state === "done" && summary ? (
        <Text as="p">
          {count.format(summary.orders)} orders with {count.format(summary.lines)} lines imported
          {summary.firstOrderAt && summary.lastOrderAt
            ? `, placed ${dateFormat.format(new Date(summary.firstOrderAt))} – ${dateFormat.format(new Date(summary.lastOrderAt))}`
            : ""}
          . New orders arrive as they are placed.
        </Text>
      ) : null}
      {state === "todo" ? (
        <Text as="p" tone="subdued">
          Your order history is imported right after installation; new orders arrive as they are placed.
        </Text>
      ) : null}
      {run?.status === "failed" && run.error ? (
        <Banner tone="critical" title="The last import failed">
          {run.error}
        </Banner>
      ) : null}
      {run && run.rejected > 0 ? (
        <Text as="p" tone="subdued">
          {count.format(run.rejected)} records were skipped as unreadable.
        </Text>
      ) : null}
    </Step>
  );
}
