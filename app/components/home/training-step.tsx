import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Text } from "@shopify/polaris";
import { useEmbeddedHref } from "~/components/embedded";
import { TrainingProgress } from "~/components/setup-progress";
import type { SetupStatus } from "~/services/setup-status.server";
import { Step, type StepState } from "./step";

/** The first model's step; "Train now" posts the models page's own retrain intent. */
export function TrainingStep({
  status,
  state,
  hasOrders,
}: {
  status: SetupStatus;
  state: StepState;
  hasOrders: boolean;
}) {
  const href = useEmbeddedHref();
  const train = useFetcher<{ ok: boolean; message: string }>();
  const { training, liveModel } = status;
  return (
    <Step number={2} title="Train your first model" state={state}>
      <TrainingProgress training={training} />
      {training.state === "idle" && !liveModel ? (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {training.lastRun?.note ??
              "A model is trained once your history is imported. Until one is live, shoppers are offered your most popular products."}
          </Text>
          {hasOrders ? (
            <train.Form method="post" action={href("/app/models")}>
              <input type="hidden" name="intent" value="retrain" />
              <Button submit loading={train.state !== "idle"}>
                Train now
              </Button>
            </train.Form>
          ) : null}
        </BlockStack>
      ) : null}
      {train.data && !train.data.ok ? <Banner tone="warning">{train.data.message}</Banner> : null}
      {liveModel && training.state === "idle" ? (
        <Text as="p">
          Version {liveModel.version} is live. It is retrained every night when new orders arrive.
        </Text>
      ) : null}
    </Step>
  );
}
