import { BlockStack, DataTable, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { count } from "~/lib/format";
import type { SegmentSummary } from "~/services/segment-overview.server";

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);

/** Each segment's rule, size and how its shoppers took offers, with the uplift against its holdout. */
export function SegmentsTable({
  segments,
  currency,
  window,
  computed,
}: {
  segments: SegmentSummary[];
  currency: string | null;
  window: string;
  /** when the sizes and thresholds were computed */
  computed: string;
}) {
  const money = new Intl.NumberFormat(
    "en",
    currency ? { style: "currency", currency } : { minimumFractionDigits: 2 },
  );
  const signed = (value: number) =>
    `${value > 0 ? "+" : value < 0 ? "−" : ""}${money.format(Math.abs(value))}`;
  const uplift = (segment: SegmentSummary) => {
    if (segment.segment === "guest") return "not measurable";
    if (!segment.uplift)
      return segment.linked.treated >= 2 && segment.linked.holdout >= 2
        ? "no orders yet"
        : "too few shoppers";
    const [low, high] = segment.uplift.interval;
    return `${signed(segment.uplift.difference)} (${signed(low)} to ${signed(high)})`;
  };
  return (
    <SectionCard title="Segments">
      <BlockStack gap="300">
        <Text as="p" tone="subdued">
          Customers as of {computed}; the rest over {window}. Shoppers are those the experiment first saw in
          the window, in the segment of that first checkout; uplift is their revenue per logged-in shopper
          against the segment's own holdout, less the discounts the segment's offers gave, with its 95%
          interval. Guests cannot be followed to an order.
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
          headings={[
            "Segment",
            "Customers",
            "Shoppers",
            "Offers shown",
            "Take rate",
            "Revenue",
            "Uplift per shopper",
          ]}
          rows={segments.map((segment) => [
            <BlockStack gap="050" key={segment.segment}>
              <Text as="span" fontWeight="semibold">
                {segment.label}
              </Text>
              <Text as="span" tone="subdued" variant="bodySm">
                {segment.description}
              </Text>
            </BlockStack>,
            segment.customers === null ? "–" : count.format(segment.customers),
            count.format(segment.checkouts),
            count.format(segment.impressions),
            percent(segment.takeRate),
            money.format(segment.revenue),
            uplift(segment),
          ])}
        />
      </BlockStack>
    </SectionCard>
  );
}
