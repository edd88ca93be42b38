import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { downloadFile } from "~/components/download";
import { EmbeddedFields, useEmbeddedHref } from "~/components/embedded";
import { EmptyCard } from "~/components/empty-card";
import { ExperimentCard } from "~/components/experiment-card";
import { PageError } from "~/components/page-error";
import { PausedArmsBanner } from "~/components/paused-arms-banner";
import { Stat } from "~/components/stat";
import { TimeChart } from "~/components/time-chart";
import { db } from "~/db.server";
import { SURFACES } from "~/lib/offers";
import { RANGE_PRESETS, reportWindow } from "~/lib/report-window";
import { experimentReport } from "~/services/experiment-report.server";
import { offerPerformance } from "~/services/offer-performance.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const { query, window, problem } = reportWindow(new URL(request.url).searchParams);
  const { since, until } = window;
  const [performance, experiment] = await Promise.all([
    offerPerformance(db(), { shopDomain: session.shop, window }),
    experimentReport(db(), { shopDomain: session.shop, since, until }),
  ]);
  return {
    performance,
    experiment,
    query,
    problem,
    first: window.days[0]!,
    last: window.days[window.days.length - 1]!,
  };
}

const PRODUCTS_SHOWN = 25;
const count = new Intl.NumberFormat("en");
const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const dayOf = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));
const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const SURFACE_NAMES: Record<string, string> = {
  checkout: "Checkout",
  "cart-line-list": "Order summary",
  "thank-you": "Thank you page",
  storefront: "Storefront",
};

export default function Performance() {
  const { performance, experiment, query, problem, first, last } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const href = useEmbeddedHref();
  const [range, setRange] = useState<string>(query.range);
  const [from, setFrom] = useState(query.from || first);
  const [to, setTo] = useState(query.to || last);
  const [surface, setSurface] = useState<string>(query.surface);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const { totals, days, rows, currency } = performance;
  const money = new Intl.NumberFormat(
    "en",
    currency ? { style: "currency", currency } : { minimumFractionDigits: 2 },
  );
  const filters = { range: query.range, from: query.from, to: query.to, surface: query.surface };
  const exportCsv = (kind: "days" | "products" | "experiment") =>
    downloadFile(
      href("/app/performance.csv", { ...filters, kind }),
      kind === "experiment" ? "experiment.csv" : `offers-${kind}.csv`,
    ).then(
      () => setDownloadError(null),
      (error: Error) => setDownloadError(error.message),
    );
  const empty = totals.impressions === 0 && rows.length === 0;
  return (
    <Page
      title="Performance"
      subtitle={`Offers shown, taken and the revenue they brought, ${dayOf(first)} – ${dayOf(last)} (UTC days)`}
      secondaryActions={[
        { content: "Export days (CSV)", onAction: () => exportCsv("days") },
        { content: "Export products (CSV)", onAction: () => exportCsv("products") },
        { content: "Export experiment (CSV)", onAction: () => exportCsv("experiment") },
      ]}
    >
      <BlockStack gap="400">
        {problem ? <Banner tone="warning">Showing the last 30 days: {problem}.</Banner> : null}
        {downloadError ? <Banner tone="critical">{downloadError}</Banner> : null}
        <PausedArmsBanner
          arms={experiment.arms.flatMap((arm) => (arm.paused ? [arm.paused] : []))}
          settingsUrl={href("/app/settings")}
        />
        <Card>
          <Form method="get">
            <EmbeddedFields />
            <InlineStack gap="300" blockAlign="end" wrap>
              <Select
                label="Days"
                name="range"
                options={RANGE_PRESETS.map((preset) => ({ label: preset.label, value: preset.value }))}
                value={range}
                onChange={setRange}
              />
              {range === "custom" ? (
                <>
                  <TextField
                    label="From"
                    type="date"
                    name="from"
                    value={from}
                    onChange={setFrom}
                    autoComplete="off"
                  />
                  <TextField
                    label="To"
                    type="date"
                    name="to"
                    value={to}
                    onChange={setTo}
                    autoComplete="off"
                  />
                </>
              ) : null}
              <Select
                label="Where"
                name="surface"
                options={[
                  { label: "Everywhere", value: "all" },
                  ...SURFACES.map((value) => ({ label: SURFACE_NAMES[value] ?? value, value })),
                ]}
                value={surface}
                onChange={setSurface}
              />
              <Button submit loading={navigation.state === "loading"}>
                Apply
              </Button>
            </InlineStack>
          </Form>
        </Card>
        {empty ? (
          <Card>
            <EmptyCard
              heading="No offers were shown in these days"
              action={{ content: "Set up the offers", url: href("/app") }}
              secondaryAction={{ content: "Preview offers", url: href("/app/preview") }}
            >
              Figures appear here once shoppers see offers: add the block in the checkout editor, or widen the
              days or places above.
            </EmptyCard>
          </Card>
        ) : (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Card>
                  <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
                    <Stat label="Offers shown" value={count.format(totals.impressions)} />
                    <Stat label="Click rate" value={percent(totals.clickRate)} />
                    <Stat label="Bought" value={count.format(totals.purchases)} />
                    <Stat label="Take rate" value={percent(totals.takeRate)} help="bought / shown" />
                    <Stat label="Revenue from offers" value={money.format(Number(totals.revenue))} />
                  </InlineGrid>
                </Card>
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
                  </BlockStack>
                </Card>
                <Card padding="0">
                  <DataTable
                    columnContentTypes={[
                      "text",
                      "text",
                      "text",
                      "numeric",
                      "numeric",
                      "numeric",
                      "numeric",
                      "numeric",
                    ]}
                    headings={[
                      "Product",
                      "Where",
                      "Model",
                      "Shown",
                      "Clicks",
                      "Bought",
                      "Take rate",
                      "Revenue",
                    ]}
                    rows={rows
                      .slice(0, PRODUCTS_SHOWN)
                      .map((row) => [
                        row.title ?? `Product ${row.productId}`,
                        SURFACE_NAMES[row.surface] ?? row.surface,
                        row.modelVersion === null ? "Popular" : `v${row.modelVersion}`,
                        count.format(row.impressions),
                        count.format(row.clicks),
                        count.format(row.purchases),
                        percent(row.takeRate),
                        money.format(Number(row.revenue)),
                      ])}
                    footerContent={
                      rows.length > PRODUCTS_SHOWN
                        ? `The ${PRODUCTS_SHOWN} best of ${count.format(rows.length)}; the CSV export has them all.`
                        : undefined
                    }
                  />
                </Card>
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    How this is counted
                  </Text>
                  <Text as="p">
                    A purchase counts for an offer when the order line was added from it and the order was
                    placed within 7 days of the offer. Revenue is the line's price times the quantity kept
                    after refunds.
                  </Text>
                  {performance.unattributedLines > 0 ? (
                    <Text as="p" tone="subdued">
                      {count.format(performance.unattributedLines)} order lines carried an offer mark that
                      could not be verified (copied, too old or altered) and are not counted.
                    </Text>
                  ) : null}
                  <Text as="p" tone="subdued">
                    In the experiment, a checkout converts when the logged-in buyer places an order after it;
                    revenue is net of refunds and the net gain subtracts the discounts given.
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
          </Layout>
        )}
        <ExperimentCard
          report={experiment}
          money={(value) => money.format(value)}
          settingsUrl={href("/app/settings")}
        />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Performance" />;
}
