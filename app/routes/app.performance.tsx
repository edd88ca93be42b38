import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card } from "@shopify/polaris";
import { useState } from "react";
import { AdminPage, PageColumns } from "~/components/admin-page";
import { downloadFile } from "~/components/download";
import { useEmbeddedHref } from "~/components/embedded";
import { EmptyCard } from "~/components/empty-card";
import { ExperimentCard } from "~/components/experiment-card";
import { PageError } from "~/components/page-error";
import { PausedArmsBanner } from "~/components/paused-arms-banner";
import { FiltersCard } from "~/components/performance/filters-card";
import { ProductsTable } from "~/components/performance/products-table";
import { ChartsCard, CountingCard, TotalsCard } from "~/components/performance/report-cards";
import { db } from "~/db.server";
import { dateFormat } from "~/lib/format";
import { reportWindow } from "~/lib/report-window";
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

const dayOf = (day: string) => dateFormat.format(new Date(`${day}T00:00:00Z`));

export default function Performance() {
  const { performance, experiment, query, problem, first, last } = useLoaderData<typeof loader>();
  const href = useEmbeddedHref();
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
    <AdminPage
      title="Performance"
      subtitle={`Offers shown, taken and the revenue they brought, ${dayOf(first)} – ${dayOf(last)} (UTC days)${
        currency ? `; amounts in ${currency}, the shop's currency, whatever buyers paid in` : ""
      }`}
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
        <FiltersCard query={query} first={first} last={last} />
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
          <PageColumns aside={<CountingCard unattributedLines={performance.unattributedLines} />}>
            <TotalsCard totals={totals} money={money} />
            <ChartsCard days={days} money={money} />
            <ProductsTable rows={rows} money={money} />
          </PageColumns>
        )}
        <ExperimentCard
          report={experiment}
          money={(value) => money.format(value)}
          settingsUrl={href("/app/settings")}
        />
      </BlockStack>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Performance" />;
}
