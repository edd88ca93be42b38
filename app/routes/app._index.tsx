import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  InlineGrid,
  Layout,
  Link,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import { db } from "~/db.server";
import { getShopOverview } from "~/services/shop-overview.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getShopOverview(db(), session.shop);
}

const number = new Intl.NumberFormat("en");
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}

const IMPORT_TONE = { completed: "success", failed: "critical", cancelled: "warning" } as const;

export default function Home() {
  const { summary, latestImport, dataRequests } = useLoaderData<typeof loader>();
  const hasData = summary !== null && summary.orders > 0;
  return (
    <Page title="Checkout Upsell AI">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Your shop's order history
              </Text>
              {hasData ? (
                <>
                  <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                    <Stat label="Orders" value={number.format(summary.orders)} />
                    <Stat label="Order lines" value={number.format(summary.lines)} />
                    <Stat label="Customers" value={number.format(summary.customers)} />
                    <Stat label="Products" value={number.format(summary.products)} />
                  </InlineGrid>
                  {summary.firstOrderAt && summary.lastOrderAt ? (
                    <Text as="p" tone="subdued">
                      Orders from {day.format(new Date(summary.firstOrderAt))} to{" "}
                      {day.format(new Date(summary.lastOrderAt))}.
                    </Text>
                  ) : null}
                </>
              ) : (
                <Text as="p">
                  No orders yet. Your order history is imported right after installation; new orders arrive as
                  they are placed.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Latest import
                </Text>
                {latestImport ? (
                  <>
                    <Badge tone={IMPORT_TONE[latestImport.status as keyof typeof IMPORT_TONE] ?? "info"}>
                      {latestImport.status}
                    </Badge>
                    <Text as="p">
                      {number.format(latestImport.processed)} records imported
                      {latestImport.rejected > 0
                        ? `, ${number.format(latestImport.rejected)} skipped as unreadable`
                        : ""}
                      {latestImport.stage ? ` (now: ${latestImport.stage})` : ""}.
                    </Text>
                    {latestImport.error ? <Banner tone="critical">{latestImport.error}</Banner> : null}
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    No import has run for this shop.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Privacy
                </Text>
                <List>
                  <List.Item>Customers are stored only as a keyed hash of their Shopify id.</List.Item>
                  <List.Item>No names, emails, addresses or phone numbers are ever stored.</List.Item>
                </List>
                {dataRequests.length > 0 ? (
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      Customer data requests
                    </Text>
                    {dataRequests.map((request) => (
                      <Link key={request.id} url={`/app/data-requests/${request.id}`} target="_blank">
                        {day.format(new Date(request.requestedAt))}: download the report
                      </Link>
                    ))}
                  </BlockStack>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
