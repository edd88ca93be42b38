import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Divider,
  InlineStack,
  Layout,
  Modal,
  Page,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { EmptyCard } from "~/components/empty-card";
import { ModelQuality } from "~/components/model-quality";
import { PageError } from "~/components/page-error";
import { TrainingProgress, useSetupStatus } from "~/components/setup-progress";
import { db } from "~/db.server";
import { isAppError } from "~/lib/errors";
import { getModelOverview } from "~/services/model-overview.server";
import { restoreVersion } from "~/services/model-registry.server";
import { requestTrainingSoon } from "~/services/request-training.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getModelOverview(db(), session.shop);
}

const ModelActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retrain") }),
  z.object({ intent: z.literal("restore"), version: z.coerce.number().int().min(1) }),
]);

/** How long the retrain button waits for the job queue before saying it is unreachable. */
const ENQUEUE_WAIT_MS = 2_000;

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const parsed = ModelActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return { intent: "unknown", ok: false, message: "That request was not understood; reload the page." };
  }
  const input = parsed.data;
  if (input.intent === "retrain") {
    const queued = await requestTrainingSoon({ shopDomain: session.shop, reason: "manual" }, ENQUEUE_WAIT_MS);
    return queued
      ? {
          intent: "retrain",
          ok: true,
          requestedAt: new Date().toISOString(),
          message: "Training queued. Its progress shows here; it takes a few minutes.",
        }
      : {
          intent: "retrain",
          ok: false,
          message:
            "The training queue did not answer. The nightly training will run instead; try again later.",
        };
  }
  try {
    const result = await restoreVersion(db(), { shopDomain: session.shop, version: input.version });
    return {
      intent: "restore",
      version: input.version,
      ok: true,
      message: result.changed
        ? `Version ${input.version} is live again. Checkout switches to it within seconds.`
        : `Version ${input.version} was already live.`,
    };
  } catch (error) {
    if (isAppError(error)) return { intent: "restore", ok: false, message: error.message };
    throw error;
  }
}

type ActionResult = {
  intent: string;
  ok: boolean;
  message: string;
  version?: number;
  requestedAt?: string;
};

/**
 * Whether an action's answer still describes the page: a queued training only while a training is
 * queued or running and no version trained since went live, a restore only while that version is
 * live; a refusal until the next action.
 */
function stillTrue(
  result: ActionResult,
  { training, live }: { training: boolean; live: { version: number; trainedAt: string | Date } | null },
) {
  if (!result.ok) return true;
  if (result.intent === "retrain") {
    const trainedSince =
      live !== null &&
      result.requestedAt !== undefined &&
      new Date(live.trainedAt) > new Date(result.requestedAt);
    return training && !trainedSince;
  }
  if (result.intent === "restore") return result.version === live?.version;
  return false;
}

const number = new Intl.NumberFormat("en");
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const time = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

const STATUS_BADGE = {
  live: { tone: "success", text: "Live" },
  retired: { tone: undefined, text: "Retired" },
  rejected: { tone: "warning", text: "Rejected" },
  candidate: { tone: "info", text: "Being decided" },
} as const;

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
};

export default function Models() {
  const data = useLoaderData<typeof loader>();
  const status = useSetupStatus(data.status);
  const action = useFetcher<ActionResult>();
  const [restoring, setRestoring] = useState<number | null>(null);
  const live = data.liveModel;
  const submitting = action.state !== "idle";
  const retrain = () => action.submit({ intent: "retrain" }, { method: "post" });
  const restore = (version: number) => {
    action.submit({ intent: "restore", version: String(version) }, { method: "post" });
    setRestoring(null);
  };
  const busyTraining = status.training.state !== "idle";
  const banner = action.data && stillTrue(action.data, { training: busyTraining, live }) ? action.data : null;
  const versions = data.versions.map((version, index) => {
    const badge = STATUS_BADGE[version.status as keyof typeof STATUS_BADGE] ?? STATUS_BADGE.retired;
    const metrics = version.metrics;
    return (
      <BlockStack key={version.version} gap="200">
        {index > 0 ? <Divider /> : null}
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              Version {version.version}
            </Text>
            <Badge tone={badge.tone}>{badge.text}</Badge>
            <Text as="span" tone="subdued">
              trained {time.format(new Date(version.trainedAt))}
            </Text>
          </InlineStack>
          {version.restorable ? (
            <Button
              size="slim"
              onClick={() => setRestoring(version.version)}
              accessibilityLabel={`Restore version ${version.version}`}
              disabled={submitting}
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
            ? `NDCG@10 ${metrics.ndcg.toFixed(3)} ± ${metrics.ndcgStdErr.toFixed(3)} · hit rate@10 ${(metrics.hitRate * 100).toFixed(1)}% · recall@10 ${(metrics.recall * 100).toFixed(1)}% · ${number.format(metrics.queries)} holdout checkouts`
            : "Metrics unreadable"}
        </Text>
        <Text as="p" tone="subdued">
          Learned from {number.format(version.orderCount)} orders
          {version.dataFrom && version.dataTo
            ? ` placed ${day.format(new Date(version.dataFrom))} – ${day.format(new Date(version.dataTo))}`
            : ""}
          , {number.format(version.productCount)} products, {number.format(version.customerCount)} customers,
          in {version.trainSeconds.toFixed(1)} s.
        </Text>
        {version.decisionNote ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {version.decisionNote}
          </Text>
        ) : null}
      </BlockStack>
    );
  });
  return (
    <Page
      title="Models"
      subtitle="Every trained version, how it measured on recent orders it had not seen, and why it went live or not"
      primaryAction={{
        content: "Retrain now",
        onAction: retrain,
        loading: submitting && action.formData?.get("intent") === "retrain",
        disabled: busyTraining,
      }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {banner ? <Banner tone={banner.ok ? "success" : "warning"}>{banner.message}</Banner> : null}
            {busyTraining ? (
              <Card>
                <TrainingProgress training={status.training} />
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Live model
                </Text>
                {live ? (
                  <ModelQuality model={live} />
                ) : (
                  <Text as="p" tone="subdued">
                    No model is live; shoppers are offered your most popular products.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              {data.versions.length === 0 ? (
                <EmptyCard
                  heading="No model trained yet"
                  action={{ content: "Train now", onAction: retrain, disabled: busyTraining }}
                >
                  A model is trained after your history is imported, then every night when new orders arrive.
                  A new version goes live only if it ranks at least as well as the live one.
                </EmptyCard>
              ) : (
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Versions
                  </Text>
                  {versions}
                </BlockStack>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Training attempts
              </Text>
              {data.runs.length === 0 ? (
                <Text as="p" tone="subdued">
                  None yet.
                </Text>
              ) : (
                data.runs.map((run) => (
                  <BlockStack key={run.id} gap="050">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span" fontWeight="semibold">
                        {time.format(new Date(run.startedAt))}
                      </Text>
                      <Badge
                        tone={
                          run.status === "failed" ? "critical" : run.status === "running" ? "info" : undefined
                        }
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
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      <Modal
        open={restoring !== null}
        onClose={() => setRestoring(null)}
        title={`Restore version ${restoring}?`}
        primaryAction={{
          content: `Restore version ${restoring}`,
          destructive: true,
          onAction: () => restoring !== null && restore(restoring),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setRestoring(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            Version {restoring} becomes the live model
            {live ? ` and version ${live.version} is retired` : ""}. Checkout switches within seconds. You can
            restore any kept version again later, unless it was trained before a customer was erased.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Models" />;
}
