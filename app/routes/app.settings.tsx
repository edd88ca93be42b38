import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { PageError } from "~/components/page-error";
import { ResourceChooser, type ResourceType } from "~/components/resource-chooser";
import { db } from "~/db.server";
import { HEADING_LANGUAGES, MAX_VARIANTS, SURFACE_LABELS, settingsFromForm } from "~/lib/settings-form";
import { OFFER_SURFACES, type ShopSettings } from "~/lib/shop-settings";
import { getShopSettings, updateShopSettings } from "~/services/update-shop-settings.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getShopSettings(db(), session.shop);
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const input = settingsFromForm(await request.formData());
  return updateShopSettings(db(), { shopDomain: session.shop, input });
}

interface VariantDraft {
  key: string;
  share: string;
  ranking: string;
  discounts: boolean;
}

/** The form's state: text as typed, so a half-typed number is never rewritten under the cursor. */
function draftOf(settings: ShopSettings) {
  const languages = [
    ...HEADING_LANGUAGES.map((language) => language.code as string),
    ...Object.keys(settings.headings).filter((code) => !HEADING_LANGUAGES.some((l) => l.code === code)),
  ];
  return {
    text: {
      maxOffers: String(settings.maxOffers),
      retrainAfterOrders: String(settings.retrainAfterOrders),
      excludedProductIds: settings.excludedProductIds.join("\n"),
      excludedCollectionIds: settings.excludedCollectionIds.join("\n"),
      excludedTags: settings.excludedTags.join(", "),
      "discounts.maxPercent": String(settings.discounts.maxPercent),
      "discounts.marginFloorPercent": String(settings.discounts.marginFloorPercent),
      "discounts.assumedCostPercent": String(settings.discounts.assumedCostPercent),
      "discounts.defaultPercent": String(settings.discounts.defaultPercent),
      "discounts.monthlyBudget": String(settings.discounts.monthlyBudget),
      "discounts.excludedProductIds": settings.discounts.excludedProductIds.join("\n"),
      "discounts.excludedCollectionIds": settings.discounts.excludedCollectionIds.join("\n"),
      "experiment.holdoutPercent": String(settings.experiment.holdoutPercent),
      ...Object.fromEntries(languages.map((code) => [`headings.${code}`, settings.headings[code] ?? ""])),
    } as Record<string, string>,
    checks: {
      enabled: settings.enabled,
      "discounts.enabled": settings.discounts.enabled,
      "discounts.combinesWithOrderDiscounts": settings.discounts.combinesWithOrderDiscounts,
    } as Record<string, boolean>,
    surfaces: [...settings.surfaces] as string[],
    languages,
    variants: settings.experiment.variants.map(
      (variant): VariantDraft => ({ ...variant, share: String(variant.share) }),
    ),
  };
}

const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });

export default function Settings() {
  const { settings, productTitles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [draft, setDraft] = useState(() => draftOf(settings));
  // Titles of the products (and collections, once picked inside Shopify) the lists show, by id.
  const [titles, setTitles] = useState<Record<string, string>>(productTitles);
  const saving = navigation.state === "submitting";
  const formRef = useRef<HTMLFormElement>(null);
  const bannerRef = useRef<HTMLDivElement>(null);
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};

  useEffect(() => {
    if (!result) return;
    bannerRef.current?.focus();
    if (result.ok) {
      setDraft(draftOf(result.settings));
      // App Bridge's toast, when the page runs inside the Shopify admin.
      (globalThis as { shopify?: { toast?: { show(message: string): void } } }).shopify?.toast?.show(
        "Settings saved",
      );
    }
  }, [result]);

  const field = (name: string, label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={label}
      name={name}
      value={draft.text[name] ?? ""}
      onChange={(value) => setDraft((d) => ({ ...d, text: { ...d.text, [name]: value } }))}
      error={errors[name]}
      autoComplete="off"
      {...extra}
    />
  );
  const check = (name: string, label: string, helpText?: string) => (
    <>
      <input type="hidden" name={name} value={draft.checks[name] ? "on" : ""} />
      <Checkbox
        label={label}
        helpText={helpText}
        checked={draft.checks[name] ?? false}
        onChange={(value) => setDraft((d) => ({ ...d, checks: { ...d.checks, [name]: value } }))}
        error={errors[name]}
      />
    </>
  );
  const number = (
    name: string,
    label: string,
    options: { min: number; max: number; step?: number; suffix?: string; helpText?: string },
  ) =>
    field(name, label, {
      type: "number",
      min: options.min,
      max: options.max,
      step: options.step ?? 1,
      suffix: options.suffix,
      helpText: options.helpText,
      inputMode: "decimal",
    });
  const setVariant = (index: number, change: Partial<VariantDraft>) =>
    setDraft((d) => ({ ...d, variants: d.variants.map((v, i) => (i === index ? { ...v, ...change } : v)) }));
  const chooser = (name: string, type: ResourceType, label: string, helpText?: string) => (
    <ResourceChooser
      name={name}
      type={type}
      label={label}
      helpText={helpText}
      ids={(draft.text[name] ?? "").split(/[\s,]+/).filter(Boolean)}
      titles={titles}
      onChange={(ids, known) => {
        setTitles(known);
        setDraft((d) => ({ ...d, text: { ...d.text, [name]: ids.join("\n") } }));
      }}
      error={errors[name]}
    />
  );
  const errorCount = Object.keys(errors).length;

  return (
    <Page
      title="Settings"
      subtitle="Where offers appear, what they may include, discounts and experiments"
      primaryAction={{ content: "Save", loading: saving, onAction: () => formRef.current?.requestSubmit() }}
    >
      <Form method="post" ref={formRef} noValidate>
        <BlockStack gap="500">
          <div ref={bannerRef} tabIndex={-1} aria-live="polite">
            {result?.ok ? (
              <Banner tone="success" title="Settings saved">
                Checkout uses them within a minute.
              </Banner>
            ) : null}
            {errorCount > 0 ? (
              <Banner
                tone="critical"
                title={`${errorCount === 1 ? "One field needs" : `${errorCount} fields need`} a fix`}
              >
                Nothing was saved. The fields are marked below.
              </Banner>
            ) : null}
          </div>
          <Layout>
            <Layout.AnnotatedSection
              id="offers"
              title="Offers"
              description="Turn offers on or off, choose how many a shopper sees and where."
            >
              <Card>
                <FormLayout>
                  {check(
                    "enabled",
                    "Show offers",
                    "When off, no offer is shown anywhere; nothing else changes.",
                  )}
                  {number("maxOffers", "Offers shown at once", { min: 1, max: 10, helpText: "1 to 10." })}
                  <div>
                    <input type="hidden" name="surfaces.sent" value="1" />
                    {draft.surfaces.map((surface) => (
                      <input key={surface} type="hidden" name="surfaces" value={surface} />
                    ))}
                    <ChoiceList
                      title="Where offers appear"
                      allowMultiple
                      choices={OFFER_SURFACES.map((surface) => ({
                        label: SURFACE_LABELS[surface],
                        value: surface,
                      }))}
                      selected={draft.surfaces}
                      onChange={(surfaces) => setDraft((d) => ({ ...d, surfaces }))}
                      error={errors.surfaces}
                    />
                  </div>
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              id="headings"
              title="Heading"
              description="The title above the offers, per shopper language. The checkout block shows it to shoppers in that language instead of the heading set in the checkout editor."
            >
              <Card>
                <FormLayout>
                  {draft.languages.map((code) => (
                    <div key={code}>
                      <input type="hidden" name="headingLanguages" value={code} />
                      {field(`headings.${code}`, `Heading in ${LANGUAGE_NAMES.of(code) ?? code}`, {
                        maxLength: 80,
                        showCharacterCount: true,
                        placeholder:
                          code === "fr"
                            ? "Vous aimerez aussi"
                            : code === "en"
                              ? "You may also like"
                              : undefined,
                      })}
                    </div>
                  ))}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              id="exclusions"
              title="Never offer"
              description="Products that must never be offered: gift cards, samples, items sold in person only."
            >
              <Card>
                <FormLayout>
                  {chooser("excludedProductIds", "product", "Products")}
                  {field("excludedTags", "Product tags", {
                    helpText: "Separated by commas. A product with any of these tags is never offered.",
                  })}
                  {chooser(
                    "excludedCollectionIds",
                    "collection",
                    "Collections",
                    "A product in any of these collections is never offered. Their products are read from Shopify when you save and again every night, so a product you add to a collection counts from the next night.",
                  )}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              id="discounts"
              title="Discounts"
              description="A personal discount on an offer, only where it makes the offer worth more to you than it costs."
            >
              <Card>
                <FormLayout>
                  {check("discounts.enabled", "Offer discounts")}
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
                      helpText: "Of the price, for products whose cost you have not entered.",
                    })}
                  </FormLayout.Group>
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
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              id="experiment"
              title="Experiment"
              description="A holdout sees no offers, so their uplift can be measured. The rest can be split between variants."
            >
              <Card>
                <FormLayout>
                  {number("experiment.holdoutPercent", "Holdout", {
                    min: 0,
                    max: 50,
                    step: 0.5,
                    suffix: "%",
                    helpText: "Share of shoppers who see no offers.",
                  })}
                  {draft.variants.map((variant, index) => {
                    const prefix = `experiment.variants.${index}`;
                    return (
                      <BlockStack key={prefix} gap="200">
                        <Text as="h3" variant="headingSm">
                          Variant {index + 1}
                        </Text>
                        <FormLayout.Group condensed>
                          <TextField
                            label="Name"
                            name={`${prefix}.key`}
                            value={variant.key}
                            onChange={(key) => setVariant(index, { key })}
                            error={errors[`${prefix}.key`]}
                            autoComplete="off"
                          />
                          <TextField
                            label="Share of shoppers"
                            name={`${prefix}.share`}
                            type="number"
                            min={0}
                            max={100}
                            suffix="%"
                            value={variant.share}
                            onChange={(share) => setVariant(index, { share })}
                            error={errors[`${prefix}.share`]}
                            autoComplete="off"
                          />
                          <Select
                            label="Ranking"
                            name={`${prefix}.ranking`}
                            options={[
                              { label: "Model", value: "model" },
                              { label: "Popularity", value: "popularity" },
                            ]}
                            value={variant.ranking}
                            onChange={(ranking) => setVariant(index, { ranking })}
                            error={errors[`${prefix}.ranking`]}
                          />
                        </FormLayout.Group>
                        <InlineStack align="space-between" blockAlign="center">
                          <input
                            type="hidden"
                            name={`${prefix}.discounts`}
                            value={variant.discounts ? "on" : ""}
                          />
                          <Checkbox
                            label="With discounts"
                            checked={variant.discounts}
                            onChange={(discounts) => setVariant(index, { discounts })}
                          />
                          <Button
                            variant="plain"
                            tone="critical"
                            onClick={() =>
                              setDraft((d) => ({ ...d, variants: d.variants.filter((_, i) => i !== index) }))
                            }
                            accessibilityLabel={`Remove variant ${index + 1}`}
                          >
                            Remove
                          </Button>
                        </InlineStack>
                      </BlockStack>
                    );
                  })}
                  {errors["experiment.variants"] ? (
                    <InlineError message={errors["experiment.variants"]} fieldID="experiment-variants" />
                  ) : null}
                  <div id="experiment-variants">
                    <input type="hidden" name="experiment.variantCount" value={draft.variants.length} />
                    <Button
                      onClick={() =>
                        setDraft((d) => ({
                          ...d,
                          variants: [
                            ...d.variants,
                            {
                              key: `variant-${d.variants.length + 1}`,
                              share: "",
                              ranking: "model",
                              discounts: false,
                            },
                          ],
                        }))
                      }
                      disabled={draft.variants.length >= MAX_VARIANTS}
                    >
                      Add a variant
                    </Button>
                  </div>
                  <Text as="p" tone="subdued">
                    Shares are of the shoppers outside the holdout and must add up to 100. Without variants,
                    they all get the model's offers.
                  </Text>
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              id="training"
              title="Training"
              description="The model is retrained every night when orders changed, and sooner after many new orders."
            >
              <Card>
                {number("retrainAfterOrders", "Retrain after this many new orders", {
                  min: 10,
                  max: 1_000_000,
                })}
              </Card>
            </Layout.AnnotatedSection>
          </Layout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Settings" />;
}
