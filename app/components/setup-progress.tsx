import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useId, useRef, useState } from "react";
import type { ImportStatus, SetupStatus, TrainingStatus } from "~/services/setup-status.server";
import { useEmbeddedHref } from "./embedded";

export const POLL_INTERVAL_MS = 3_000;

/**
 * The setup status, refreshed every few seconds while an import or a training runs. When the work
 * ends, the page's own data is reloaded too (a new model, new counts).
 */
export function useSetupStatus(initial: SetupStatus): SetupStatus {
  const fetcher = useFetcher<SetupStatus>();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const href = useEmbeddedHref();
  const [status, setStatus] = useState(initial);
  const wasBusy = useRef(initial.busy);
  useEffect(() => setStatus(initial), [initial]);
  useEffect(() => {
    if (fetcher.data) setStatus(fetcher.data);
  }, [fetcher.data]);
  const { load } = fetcher;
  useEffect(() => {
    if (wasBusy.current && !status.busy) revalidate.current();
    wasBusy.current = status.busy;
    if (!status.busy) return;
    const timer = setInterval(() => load(href("/app/status")), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [status.busy, load, href]);
  return status;
}

const number = new Intl.NumberFormat("en");
const TRAINING_STAGES = ["loading", "training", "evaluating", "storing"] as const;
const STAGE_TEXT: Record<string, string> = {
  loading: "Reading your orders",
  training: "Learning from them",
  evaluating: "Measuring it on recent orders it has not seen",
  storing: "Saving the new version",
};

export function TrainingProgress({ training }: { training: TrainingStatus }) {
  const labelId = useId();
  if (training.state === "queued") {
    return (
      <InlineStack gap="200" blockAlign="center">
        <Badge tone="info">Queued</Badge>
        <Text as="span">Waiting for a free worker; training starts shortly.</Text>
      </InlineStack>
    );
  }
  if (training.state !== "running") return null;
  const index = Math.max(0, TRAINING_STAGES.indexOf(training.stage as (typeof TRAINING_STAGES)[number]));
  const text = training.stage ? (STAGE_TEXT[training.stage] ?? training.stage) : "Starting";
  return (
    <BlockStack gap="200">
      <Text as="p" id={labelId}>
        Training: {text}
        {training.orders ? ` (${number.format(training.orders)} orders)` : ""}
        {training.step ? ` · ${training.step}` : ""}…
      </Text>
      <ProgressBar
        progress={((index + 0.5) / TRAINING_STAGES.length) * 100}
        size="small"
        ariaLabelledBy={labelId}
      />
    </BlockStack>
  );
}

export function ImportProgress({ run }: { run: ImportStatus }) {
  const labelId = useId();
  if (run.status !== "queued" && run.status !== "running") return null;
  const percent =
    run.stageProcessed !== null && run.stageTotal
      ? Math.min(100, (run.stageProcessed / run.stageTotal) * 100)
      : null;
  return (
    <BlockStack gap="200">
      <Text as="p" id={labelId}>
        {run.status === "queued"
          ? "Import queued; it starts shortly."
          : `Importing ${run.stage ?? "your history"}: ${number.format(run.processed)} records so far…`}
      </Text>
      <ProgressBar progress={percent ?? 5} size="small" animated ariaLabelledBy={labelId} />
    </BlockStack>
  );
}
