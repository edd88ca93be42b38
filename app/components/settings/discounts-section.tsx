import { FormLayout, Text } from "@shopify/polaris";
import { costCoverageText } from "~/lib/cost-coverage";
import { SettingsCard } from "./settings-card";
import type { SettingsFields } from "./use-settings-fields";

export function DiscountsSection({
  form,
  costs,
}: {
  form: SettingsFields;
  /** the products offers can show, and how many of them have a cost from Shopify */
  costs: { products: number; withCost: number };
}) {
  const { check, number, chooser, draft } = form;
  const typed = draft.text["discounts.assumedCostPercent"]?.trim() ?? "";
  const assumedCostPercent = typed !== "" && Number.isFinite(Number(typed)) ? Number(typed) : null;
  return (
    <SettingsCard
      id="discounts"
      title="Discounts"
      description="A personal discount on an offer, only where it makes the offer worth more to you than it costs."
    >
      {check(
        "discounts.enabled",
        "Offer discounts",
        "Shoppers, guests included, get them on the offered line with nothing to type. They are given by one automatic discount, “Offer discount”, which the app adds to your Shopify discounts while this is on.",
      )}
      <FormLayout.Group>
        {number("discounts.maxPercent", "Largest discount", { min: 0, max: 50, suffix: "%" })}
        {number("discounts.defaultPercent", "Discount while there is too little data", {
          min: 0,
          max: 50,
          suffix: "%",
        })}
      </FormLayout.Group>
      <FormLayout.Group>
        {number("discounts.marginFloorPercent", "Margin to keep at least", {
          min: 0,
          max: 95,
          step: 0.5,
          suffix: "%",
          helpText: "Of the discounted price, above the product's cost.",
        })}
        {number("discounts.assumedCostPercent", "Assumed cost", {
          min: 0,
          max: 100,
          step: 0.5,
          suffix: "%",
          helpText: "Of the price, for products Shopify has no cost for.",
        })}
      </FormLayout.Group>
      <Text as="p" tone="subdued">
        {costCoverageText({ ...costs, assumedCostPercent })}
      </Text>
      {number("discounts.monthlyBudget", "Monthly discount budget", {
        min: 0,
        max: 1_000_000,
        step: 0.01,
        helpText:
          "The most given away in discounts per calendar month, in your shop's currency; at 0 no discount is given.",
      })}
      {chooser("discounts.excludedProductIds", "product", "Never discount these products")}
      {chooser(
        "discounts.excludedCollectionIds",
        "collection",
        "Never discount these collections",
        "Products in these collections are offered without a discount. Their products are read from Shopify when you save and again every night.",
      )}
      {check(
        "discounts.combinesWithOrderDiscounts",
        "Combine with order discounts",
        "Whether an offer's discount may be used together with a discount on the whole order.",
      )}
    </SettingsCard>
  );
}
