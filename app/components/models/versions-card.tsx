import { BlockStack, Card, Text } from "@shopify/polaris";
import { EmptyCard } from "~/components/empty-card";
import { type ModelVersion, VersionItem } from "./version-item";

export function VersionsCard({
  versions,
  busy,
  training,
  onTrain,
  onRestore,
}: {
  versions: ModelVersion[];
  /** an action is under way */
  busy: boolean;
  /** a training is queued or running */
  training: boolean;
  onTrain(): void;
  onRestore(version: number): void;
}) {
  return (
    <Card>
      {versions.length === 0 ? (
        <EmptyCard
          heading="No model trained yet"
          action={{ content: "Train now", onAction: onTrain, disabled: training }}
        >
          A model is trained after your history is imported, then every night when new orders arrive. A new
          version goes live only if it ranks at least as well as the live one.
        </EmptyCard>
      ) : (
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Versions
          </Text>
          {versions.map((version, index) => (
            <VersionItem
              key={version.version}
              version={version}
              first={index === 0}
              disabled={busy}
              onRestore={() => onRestore(version.version)}
            />
          ))}
        </BlockStack>
      )}
    </Card>
  );
}
