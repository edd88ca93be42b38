import {
  BlockStack,
  Button,
  Checkbox,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { VariantDraft } from "./draft";

const RANKINGS = [
  { label: "Model", value: "model" },
  { label: "Popularity", value: "popularity" },
];

/** One experiment variant's fields, named `experiment.variants.<index>.*` as the server reads them. */
export function VariantFields({
  index,
  variant,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  variant: VariantDraft;
  errors: Record<string, string>;
  onChange(change: Partial<VariantDraft>): void;
  onRemove(): void;
}) {
  const prefix = `experiment.variants.${index}`;
  const text = (
    key: "key" | "share",
    label: string,
    extra: Partial<Parameters<typeof TextField>[0]> = {},
  ) => (
    <TextField
      label={label}
      name={`${prefix}.${key}`}
      value={variant[key]}
      onChange={(value) => onChange({ [key]: value })}
      error={errors[`${prefix}.${key}`]}
      autoComplete="off"
      {...extra}
    />
  );
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Variant {index + 1}
      </Text>
      <FormLayout.Group condensed>
        {text("key", "Name")}
        {text("share", "Share of shoppers", { type: "number", min: 0, max: 100, suffix: "%" })}
        <Select
          label="Ranking"
          name={`${prefix}.ranking`}
          options={RANKINGS}
          value={variant.ranking}
          onChange={(ranking) => onChange({ ranking })}
          error={errors[`${prefix}.ranking`]}
        />
      </FormLayout.Group>
      <InlineStack align="space-between" blockAlign="center">
        <input type="hidden" name={`${prefix}.discounts`} value={variant.discounts ? "on" : ""} />
        <Checkbox
          label="With discounts"
          checked={variant.discounts}
          onChange={(discounts) => onChange({ discounts })}
        />
        <Button
          variant="plain"
          tone="critical"
          onClick={onRemove}
          accessibilityLabel={`Remove variant ${index + 1}`}
        >
          Remove
        </Button>
      </InlineStack>
    </BlockStack>
  );
}
