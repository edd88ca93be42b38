import { Banner, BlockStack, Text } from "@shopify/polaris";

export interface PausedArmView {
  variant: string;
  reason: string;
  pausedAt: string;
}

const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Tells the merchant which experiment arms the checkout-completion guardrail stopped, and why. */
export function PausedArmsBanner({
  arms,
  settingsUrl,
}: {
  arms: readonly PausedArmView[];
  settingsUrl: string;
}) {
  if (arms.length === 0) return null;
  return (
    <Banner
      tone="warning"
      title={arms.length === 1 ? "An experiment variant is paused" : "Experiment variants are paused"}
      action={{ content: "Review the experiment", url: settingsUrl }}
    >
      <BlockStack gap="100">
        {arms.map((arm) => (
          <Text as="p" key={arm.variant}>
            “{arm.variant}”, since {day.format(new Date(arm.pausedAt))} UTC: {arm.reason} Its shoppers see no
            offers until you change the experiment.
          </Text>
        ))}
      </BlockStack>
    </Banner>
  );
}
