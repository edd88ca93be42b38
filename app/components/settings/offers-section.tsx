import { Card, ChoiceList, Layout } from "@shopify/polaris";
import { SURFACE_LABELS } from "~/lib/settings-form";
import { OFFER_SURFACES } from "~/lib/shop-settings";
import { SettingsCard } from "./settings-card";
import type { SettingsFields } from "./use-settings-fields";

const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });

export function OffersSection({ form }: { form: SettingsFields }) {
  const { draft, setDraft, errors, check, number } = form;
  return (
    <SettingsCard
      id="offers"
      title="Offers"
      description="Turn offers on or off, choose how many a shopper sees and where."
    >
      {check("enabled", "Show offers", "When off, no offer is shown anywhere; nothing else changes.")}
      {number("maxOffers", "Offers shown at once", { min: 1, max: 10, helpText: "1 to 10." })}
      <div>
        <input type="hidden" name="surfaces.sent" value="1" />
        {draft.surfaces.map((surface) => (
          <input key={surface} type="hidden" name="surfaces" value={surface} />
        ))}
        <ChoiceList
          title="Where offers appear"
          allowMultiple
          choices={OFFER_SURFACES.map((surface) => ({ label: SURFACE_LABELS[surface], value: surface }))}
          selected={draft.surfaces}
          onChange={(surfaces) => setDraft((d) => ({ ...d, surfaces }))}
          error={errors.surfaces}
        />
      </div>
    </SettingsCard>
  );
}

export function HeadingsSection({ form }: { form: SettingsFields }) {
  return (
    <SettingsCard
      id="headings"
      title="Heading"
      description="The title above the offers, per shopper language. The checkout block shows it to shoppers in that language instead of the heading set in the checkout editor."
    >
      {form.draft.languages.map((code) => (
        <div key={code}>
          <input type="hidden" name="headingLanguages" value={code} />
          {form.field(`headings.${code}`, `Heading in ${LANGUAGE_NAMES.of(code) ?? code}`, {
            maxLength: 80,
            showCharacterCount: true,
            placeholder:
              code === "fr" ? "Vous aimerez aussi" : code === "en" ? "You may also like" : undefined,
          })}
        </div>
      ))}
    </SettingsCard>
  );
}

export function ExclusionsSection({ form }: { form: SettingsFields }) {
  return (
    <SettingsCard
      id="exclusions"
      title="Never offer"
      description="Products that must never be offered: gift cards, samples, items sold in person only."
    >
      {form.chooser("excludedProductIds", "product", "Products")}
      {form.field("excludedTags", "Product tags", {
        helpText: "Separated by commas. A product with any of these tags is never offered.",
      })}
      {form.chooser(
        "excludedCollectionIds",
        "collection",
        "Collections",
        "A product in any of these collections is never offered. Their products are read from Shopify when you save and again every night, so a product you add to a collection counts from the next night.",
      )}
    </SettingsCard>
  );
}

export function TrainingSection({ form }: { form: SettingsFields }) {
  return (
    <Layout.AnnotatedSection
      id="training"
      title="Training"
      description="The model is retrained every night when orders changed, and sooner after many new orders."
    >
      <Card>
        {form.number("retrainAfterOrders", "Retrain after this many new orders", { min: 10, max: 1_000_000 })}
      </Card>
    </Layout.AnnotatedSection>
  );
}
