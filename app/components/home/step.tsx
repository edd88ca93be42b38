import { Badge, BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { ImportStatus, SetupStatus } from "~/services/setup-status.server";

export type StepState = "done" | "running" | "todo" | "problem";

const STEP_BADGE: Record<StepState, { tone: "success" | "info" | "attention" | "critical"; text: string }> = {
  done: { tone: "success", text: "Done" },
  running: { tone: "info", text: "In progress" },
  todo: { tone: "attention", text: "To do" },
  problem: { tone: "critical", text: "Needs attention" },
};

/** Where the history import stands: a failure matters only while no order arrived at all. */
export function importStepState(run: ImportStatus | null, hasOrders: boolean): StepState {
  if (run && (run.status === "queued" || run.status === "running")) return "running";
  if (run?.status === "failed" && !hasOrders) return "problem";
  return hasOrders ? "done" : "todo";
}

/** Where the first model stands: done once any version is live. */
export function trainingStepState({ training, liveModel }: SetupStatus): StepState {
  if (training.state !== "idle") return "running";
  if (liveModel) return "done";
  return training.lastRun?.status === "failed" ? "problem" : "todo";
}

export function Step({
  number: position,
  title,
  state,
  children,
}: {
  number: number;
  title: string;
  state: StepState;
  children: ReactNode;
}) {
  const badge = STEP_BADGE[state];
  return (
    <Box as="section" paddingBlock="300">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {position}. {title}
          </Text>
          <Badge tone={badge.tone} progress={state === "done" ? "complete" : "incomplete"}>
            {badge.text}
          </Badge>
        </InlineStack>
        {children}
      </BlockStack>
    </Box>
  );
}
