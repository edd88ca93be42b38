import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Divider, Link, Text } from "@shopify/polaris";
import { AdminPage, PageColumns } from "~/components/admin-page";
import { useEmbeddedHref } from "~/components/embedded";
import { HomeAside } from "~/components/home/home-aside";
import { ImportStep } from "~/components/home/import-step";
import { OffersStep } from "~/components/home/offers-step";
import { importStepState, trainingStepState } from "~/components/home/step";
import { TrainingStep } from "~/components/home/training-step";
import { ModelQuality } from "~/components/model-quality";
import { PageError } from "~/components/page-error";
import { PausedArmsBanner } from "~/components/paused-arms-banner";
import { SectionCard } from "~/components/section-card";
import { useSetupStatus } from "~/components/setup-progress";
import { db } from "~/db.server";
import { healthAlertTitle } from "~/lib/model-health";
import { getShopOverview } from "~/services/shop-overview.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getShopOverview(db(), session.shop);
}

export default function Home() {
  const overview = useLoaderData<typeof loader>();
  const status = useSetupStatus(overview.status);
  const href = useEmbeddedHref();
  const { summary } = overview;
  const hasOrders = summary !== null && summary.orders > 0;
  return (
    <AdminPage
      title="Checkout Upsell AI"
      subtitle="Offers each shopper what they are most likely to add, learned from your orders"
    >
      <PageColumns
        aside={<HomeAside summary={summary} health={overview.health} segments={overview.segments} />}
      >
        <PausedArmsBanner arms={overview.pausedArms} settingsUrl={href("/app/settings")} />
        {overview.healthAlert ? (
          <Banner
            tone="warning"
            title={healthAlertTitle(overview.healthAlert.alerts)}
            action={{ content: "See model health", url: href("/app/models") }}
          >
            <BlockStack gap="100">
              {overview.healthAlert.alerts.map((alert) => (
                <Text as="p" key={alert.kind}>
                  {alert.message}
                </Text>
              ))}
              {overview.healthAlert.retrainRequested ? <Text as="p">A retraining was requested.</Text> : null}
            </BlockStack>
          </Banner>
        ) : null}
        <SectionCard title="Set up" gap="100">
          <ImportStep
            run={status.import}
            summary={summary}
            state={importStepState(status.import, hasOrders)}
          />
          <Divider />
          <TrainingStep status={status} state={trainingStepState(status)} hasOrders={hasOrders} />
          <Divider />
          <OffersStep storeHandle={overview.storeHandle} firstRequestedAt={overview.offersFirstRequestedAt} />
        </SectionCard>
        <SectionCard title="Live model" link={<Link url={href("/app/models")}>All versions</Link>}>
          {status.liveModel ? (
            <ModelQuality model={status.liveModel} />
          ) : (
            <Text as="p" tone="subdued">
              No model is live yet. Until one is, shoppers are offered your most popular products.
            </Text>
          )}
        </SectionCard>
      </PageColumns>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Checkout Upsell AI" />;
}
