import { Button, InlineError, Text } from "@shopify/polaris";
import { MAX_VARIANTS } from "~/lib/settings-form";
import type { VariantDraft } from "./draft";
import { SettingsCard } from "./settings-card";
import type { SettingsFields } from "./use-settings-fields";
import { VariantFields } from "./variant-fields";

export function ExperimentSection({ form }: { form: SettingsFields }) {
  const { draft, setDraft, errors } = form;
  const setVariant = (index: number, change: Partial<VariantDraft>) =>
    setDraft((d) => ({ ...d, variants: d.variants.map((v, i) => (i === index ? { ...v, ...change } : v)) }));
  const removeVariant = (index: number) =>
    setDraft((d) => ({ ...d, variants: d.variants.filter((_, i) => i !== index) }));
  const addVariant = () =>
    setDraft((d) => ({
      ...d,
      variants: [
        ...d.variants,
        { key: `variant-${d.variants.length + 1}`, share: "", ranking: "model", discounts: false },
      ],
    }));
  return (
    <SettingsCard
      id="experiment"
      title="Experiment"
      description="A holdout sees no offers, so their uplift can be measured. The rest can be split between variants."
    >
      {form.number("experiment.holdoutPercent", "Holdout", {
        min: 0,
        max: 50,
        step: 0.5,
        suffix: "%",
        helpText: "Share of shoppers who see no offers.",
      })}
      {draft.variants.map((variant, index) => {
        // Variants have no identity beyond their place; the server reads them by index too.
        const name = `experiment.variants.${index}`;
        return (
          <VariantFields
            key={name}
            index={index}
            variant={variant}
            errors={errors}
            onChange={(change) => setVariant(index, change)}
            onRemove={() => removeVariant(index)}
          />
        );
      })}
      {errors["experiment.variants"] ? (
        <InlineError message={errors["experiment.variants"]} fieldID="experiment-variants" />
      ) : null}
      <div id="experiment-variants">
        <input type="hidden" name="experiment.variantCount" value={draft.variants.length} />
        <Button onClick={addVariant} disabled={draft.variants.length >= MAX_VARIANTS}>
          Add a variant
        </Button>
      </div>
      <Text as="p" tone="subdued">
        Shares are of the shoppers outside the holdout and must add up to 100. Without variants, they all get
        the model's offers.
      </Text>
    </SettingsCard>
  );
}
