import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Checkbox,
  FormLayout,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { SectionCard } from "~/components/section-card";
import { SEGMENT_AUDIENCES } from "~/lib/segments";
import { HEADING_LANGUAGES } from "~/lib/settings-form";
import type { SegmentSummary } from "~/services/segment-overview.server";
import type { SettingsUpdate } from "~/services/update-shop-settings.server";

interface Limits {
  shopMaxOffers: number;
  shopMaxDiscountPercent: number;
  discountsEnabled: boolean;
}

/** One segment's treatment: offers on or off, how many, the largest discount, and its message. */
export function SegmentSettingsCard({ segment, limits }: { segment: SegmentSummary; limits: Limits }) {
  const fetcher = useFetcher<SettingsUpdate>();
  const prefix = `segments.${segment.segment}`;
  const { settings } = segment;
  const [offers, setOffers] = useState(settings.offers);
  const [maxOffers, setMaxOffers] = useState(settings.maxOffers?.toString() ?? "");
  const [maxDiscount, setMaxDiscount] = useState(settings.maxDiscountPercent?.toString() ?? "");
  const languages = [
    ...HEADING_LANGUAGES,
    ...Object.keys(settings.messages)
      .filter((code) => !HEADING_LANGUAGES.some((language) => language.code === code))
      .map((code) => ({ code, label: code })),
  ];
  const [messages, setMessages] = useState<Record<string, string>>(settings.messages);
  const result = fetcher.data;
  const errors = result && !result.ok ? result.errors : {};
  const error = (field: string) => errors[`${prefix}.${field}`];
  const saving = fetcher.state !== "idle";
  return (
    <SectionCard title={segment.label}>
      <fetcher.Form method="post" noValidate>
        <BlockStack gap="300">
          <Text as="p" tone="subdued">
            {segment.description}
          </Text>
          {result?.ok === true && !saving ? (
            <Banner tone="success">{segment.label}: saved. The next checkouts use it.</Banner>
          ) : null}
          {result && !result.ok ? (
            <Banner tone="critical">
              {Object.entries(errors)
                .filter(([field]) => !field.startsWith(prefix))
                .map(([, message]) => message)
                .join(" ") || "Check the highlighted fields."}
            </Banner>
          ) : null}
          <input type="hidden" name={`${prefix}.sent`} value="1" />
          <input type="hidden" name={`${prefix}.offers`} value={offers ? "on" : ""} />
          <FormLayout>
            <Checkbox
              label={`Show offers to ${SEGMENT_AUDIENCES[segment.segment]}`}
              checked={offers}
              onChange={setOffers}
            />
            <FormLayout.Group>
              <TextField
                label="Offers at most"
                name={`${prefix}.maxOffers`}
                type="number"
                autoComplete="off"
                value={maxOffers}
                onChange={setMaxOffers}
                placeholder={`The shop's: ${limits.shopMaxOffers}`}
                helpText="Empty: the shop's number. May be more or fewer."
                error={error("maxOffers")}
              />
              <TextField
                label="Largest discount"
                name={`${prefix}.maxDiscountPercent`}
                type="number"
                suffix="%"
                autoComplete="off"
                value={maxDiscount}
                onChange={setMaxDiscount}
                placeholder={`The shop's: ${limits.shopMaxDiscountPercent}`}
                helpText={
                  limits.discountsEnabled
                    ? "Empty: the shop's largest. A segment can only lower it."
                    : "Discounts are off for the shop (Settings)."
                }
                error={error("maxDiscountPercent")}
              />
            </FormLayout.Group>
            {languages.map(({ code, label }) => (
              <TextField
                key={code}
                label={`Message in ${label}`}
                name={`${prefix}.messages.${code}`}
                autoComplete="off"
                maxLength={120}
                showCharacterCount
                value={messages[code] ?? ""}
                onChange={(value) => setMessages((current) => ({ ...current, [code]: value }))}
                helpText={
                  code === "en"
                    ? "Shown above the offers to shoppers in this language; empty: none."
                    : undefined
                }
                error={error(`messages.${code}`)}
              />
            ))}
          </FormLayout>
          <InlineStack align="end">
            <Button submit loading={saving} accessibilityLabel={`Save ${segment.label}`}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </SectionCard>
  );
}
