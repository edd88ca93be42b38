import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, Card, Text } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { AdminPage, PageColumns } from "~/components/admin-page";
import { ModelQuality } from "~/components/model-quality";
import { type ModelActionResult, stillTrue } from "~/components/models/action-result";
import { HealthCard } from "~/components/models/health-card";
import { RestoreModal } from "~/components/models/restore-modal";
import { TrainingRunsCard } from "~/components/models/training-runs-card";
import { VersionsCard } from "~/components/models/versions-card";
import { PageError } from "~/components/page-error";
import { SectionCard } from "~/components/section-card";
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

export async function action({ request }: ActionFunctionArgs): Promise<ModelActionResult> {
  const { session } = await shopify().authenticate.admin(request);
  const parsed = ModelActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return { intent: "unknown", ok: false, message: "That request was not understood; reload the page." };
  }
  const input = parsed.data;
  switch (input.intent) {
    case "retrain":
      return retrain(session.shop);
    case "restore":
      return restore(session.shop, input.version);
  }
}

async function retrain(shopDomain: string): Promise<ModelActionResult> {
  const queued = await requestTrainingSoon({ shopDomain, reason: "manual" }, ENQUEUE_WAIT_MS);
  if (!queued) {
    return {
      intent: "retrain",
      ok: false,
      message: "The training queue did not answer. The nightly training will run instead; try again later.",
    };
  }
  return {
    intent: "retrain",
    ok: true,
    requestedAt: new Date().toISOString(),
    message: "Training queued. Its progress shows here; it takes a few minutes.",
  };
}

async function restore(shopDomain: string, version: number): Promise<ModelActionResult> {
  try {
    const result = await restoreVersion(db(), { shopDomain, version });
    return {
      intent: "restore",
      version,
      ok: true,
      message: result.changed
        ? `Version ${version} is live again. Checkout switches to it within seconds.`
        : `Version ${version} was already live.`,
    };
  } catch (error) {
    if (isAppError(error)) return { intent: "restore", ok: false, message: error.message };
    throw error;
  }
}

export default function Models() {
  const data = useLoaderData<typeof loader>();
  const status = useSetupStatus(data.status);
  const action = useFetcher<ModelActionResult>();
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
  return (
    <AdminPage
      title="Models"
      subtitle="Every trained version, how it measured on recent orders it had not seen, and why it went live or not"
      primaryAction={{
        content: "Retrain now",
        onAction: retrain,
        loading: submitting && action.formData?.get("intent") === "retrain",
        disabled: busyTraining,
      }}
    >
      <PageColumns aside={<TrainingRunsCard runs={data.runs} />}>
        {banner ? <Banner tone={banner.ok ? "success" : "warning"}>{banner.message}</Banner> : null}
        {busyTraining ? (
          <Card>
            <TrainingProgress training={status.training} />
          </Card>
        ) : null}
        <SectionCard title="Live model">
          {live ? (
            <ModelQuality model={live} />
          ) : (
            <Text as="p" tone="subdued">
              No model is live; shoppers are offered your most popular products.
            </Text>
          )}
        </SectionCard>
        <HealthCard health={data.health} />
        <VersionsCard
          versions={data.versions}
          busy={submitting}
          training={busyTraining}
          onTrain={retrain}
          onRestore={setRestoring}
        />
      </PageColumns>
      <RestoreModal
        version={restoring}
        liveVersion={live?.version ?? null}
        onRestore={restore}
        onClose={() => setRestoring(null)}
      />
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Models" />;
}
