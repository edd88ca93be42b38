import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { Stat } from "~/components/stat";
import { TimeChart } from "~/components/time-chart";
import { count } from "~/lib/format";
import type { OfferPerformance } from "~/services/offer-performance.server";
import { percent } from "./labels";

export function TotalsCard({
  totals,
  money,
}: {
  totals: OfferPerformance["totals"];
  money: Intl.NumberFormat;
}) {
  return (
    <Card>
      <InlineGrid columns={{ xs: 2, md: 6 }} gap="400">
        <Stat label="Offers shown" value={count.format(totals.impressions)} />
        <Stat label="Click rate" value={percent(totals.clickRate)} />
        <Stat label="Bought" value={count.format(totals.purchases)} />
        <Stat label="Take rate" value={percent(totals.takeRate)} help="bought / shown" />
        <Stat label="Revenue from offers" value={money.format(Number(totals.revenue))} />
        <Stat
          label="Discounts given"
          value={money.format(Number(totals.discountCost))}
          help="taken off bought offers, as the orders say"
        />
      </InlineGrid>
    </Card>
  );
}

export function ChartsCard({ days, money }: { days: OfferPerformance["days"]; money: Intl.NumberFormat }) {
  return (
    <Card>
      <BlockStack gap="600">
        <TimeChart
          title="Offers shown per day"
          kind="bar"
          unit="offers shown"
          points={days.map((d) => ({ day: d.day, value: d.impressions }))}
          format={(value) => count.format(Math.round(value))}
        />
        <TimeChart
          title="Take rate per day"
          kind="line"
          unit="take rate"
          points={days.map((d) => ({ day: d.day, value: d.takeRate }))}
          format={(value) => `${(value * 100).toFixed(1)}%`}
        />
        <TimeChart
          title="Revenue from offers per day"
          kind="bar"
          unit="revenue"
          points={days.map((d) => ({ day: d.day, value: Number(d.revenue) }))}
          format={(value) => money.format(value)}
        />
        <TimeChart
          title="Discounts given per day"
          kind="bar"
          unit="discounts"
          points={days.map((d) => ({ day: d.day, value: Number(d.discountCost) }))}
          format={(value) => money.format(value)}
        />
      </BlockStack>
    </Card>
  );
}

export function CountingCard({ unattributedLines }: { unattributedLines: number }) {
  return (
    <SectionCard title="How this is counted" gap="200">
      <Text as="p">
        A purchase counts for an offer when the order line was added from it and the order was placed within 7
        days of the offer. Revenue is the line's price times the quantity kept after refunds; discounts are
        what the offer discount took off those units, as Shopify's orders report it.
      </Text>
      {unattributedLines > 0 ? (
        <Text as="p" tone="subdued">
          {count.format(unattributedLines)} order lines carried an offer mark that could not be verified
          (copied, too old or altered) and are not counted.
        </Text>
      ) : null}
      <Text as="p" tone="subdued">
        In the experiment, a checkout converts when the logged-in buyer places an order after it; revenue is
        net of refunds and the net gain subtracts the discounts given.
      </Text>
    </SectionCard>
  );
}
