import type { LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import type { ReactNode } from "react";
import { useEmbeddedHref } from "~/components/embedded";
import { ModelQuality } from "~/components/model-quality";
import { PageError } from "~/components/page-error";
import { PausedArmsBanner } from "~/components/paused-arms-banner";
import { ImportProgress, TrainingProgress, useSetupStatus } from "~/components/setup-progress";
import { Stat } from "~/components/stat";
import { db } from "~/db.server";
import { getShopOverview } from "~/services/shop-overview.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getShopOverview(db(), session.shop);
}

const number = new Intl.NumberFormat("en");
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

type StepState = "done" | "running" | "todo" | "problem";
const STEP_BADGE: Record<StepState, { tone: "success" | "info" | "attention" | "critical"; text: string }> = {
  done: { tone: "success", text: "Done" },
  running: { tone: "info", text: "In progress" },
  todo: { tone: "attention", text: "To do" },
  problem: { tone: "critical", text: "Needs attention" },
};

function Step({
  number: position,
  title,
  state,
  children,
}: {
  number: number;
  title: string;
  state: StepState;
  children: ReactNode;
}) {
  const badge = STEP_BADGE[state];
  return (
    <Box as="section" paddingBlock="300">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {position}. {title}
          </Text>
          <Badge tone={badge.tone} progress={state === "done" ? "complete" : "incomplete"}>
            {badge.text}
          </Badge>
        </InlineStack>
        {children}
      </BlockStack>
    </Box>
  );
}

export default function Home() {
  const overview = useLoaderData<typeof loader>();
  const status = useSetupStatus(overview.status);
  const href = useEmbeddedHref();
  const train = useFetcher<{ ok: boolean; message: string }>();
  const { summary } = overview;
  const run = status.import;
  const hasOrders = summary !== null && summary.orders > 0;
  const importState: StepState =
    run && (run.status === "queued" || run.status === "running")
      ? "running"
      : run?.status === "failed" && !hasOrders
        ? "problem"
        : hasOrders
          ? "done"
          : "todo";
  const { training, liveModel } = status;
  const trainingState: StepState =
    training.state !== "idle"
      ? "running"
      : liveModel
        ? "done"
        : training.lastRun?.status === "failed"
          ? "problem"
          : "todo";
  const editor = `https://admin.shopify.com/store/${overview.storeHandle}/settings/checkout/editor`;
  return (
    <Page
      title="Checkout Upsell AI"
      subtitle="Offers each shopper what they are most likely to add, learned from your orders"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <PausedArmsBanner arms={overview.pausedArms} settingsUrl={href("/app/settings")} />
            <Card>
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Set up
                </Text>
                <Step number={1} title="Import your order history" state={importState}>
                  {run ? <ImportProgress run={run} /> : null}
                  {importState === "done" && summary ? (
                    <Text as="p">
                      {number.format(summary.orders)} orders with {number.format(summary.lines)} lines
                      imported
                      {summary.firstOrderAt && summary.lastOrderAt
                        ? `, placed ${day.format(new Date(summary.firstOrderAt))} – ${day.format(new Date(summary.lastOrderAt))}`
                        : ""}
                      . New orders arrive as they are placed.
                    </Text>
                  ) : null}
                  {importState === "todo" ? (
                    <Text as="p" tone="subdued">
                      Your order history is imported right after installation; new orders arrive as they are
                      placed.
                    </Text>
                  ) : null}
                  {run?.status === "failed" && run.error ? (
                    <Banner tone="critical" title="The last import failed">
                      {run.error}
                    </Banner>
                  ) : null}
                  {run && run.rejected > 0 ? (
                    <Text as="p" tone="subdued">
                      {number.format(run.rejected)} records were skipped as unreadable.
                    </Text>
                  ) : null}
                </Step>
                <Divider />
                <Step number={2} title="Train your first model" state={trainingState}>
                  <TrainingProgress training={training} />
                  {training.state === "idle" && !liveModel ? (
                    <BlockStack gap="200">
                      <Text as="p" tone="subdued">
                        {training.lastRun?.note ??
                          "A model is trained once your history is imported. Until one is live, shoppers are offered your most popular products."}
                      </Text>
                      {hasOrders ? (
                        <train.Form method="post" action={href("/app/models")}>
                          <input type="hidden" name="intent" value="retrain" />
                          <Button submit loading={train.state !== "idle"}>
                            Train now
                          </Button>
                        </train.Form>
                      ) : null}
                    </BlockStack>
                  ) : null}
                  {train.data && !train.data.ok ? <Banner tone="warning">{train.data.message}</Banner> : null}
                  {liveModel && training.state === "idle" ? (
                    <Text as="p">
                      Version {liveModel.version} is live. It is retrained every night when new orders arrive.
                    </Text>
                  ) : null}
                </Step>
                <Divider />
                <Step
                  number={3}
                  title="Show the offers to your shoppers"
                  state={overview.offersFirstRequestedAt ? "done" : "todo"}
                >
                  {overview.offersFirstRequestedAt ? (
                    <Text as="p">
                      Your shop first asked for offers on{" "}
                      {day.format(new Date(overview.offersFirstRequestedAt))}. Add the block to more pages if
                      you like:
                    </Text>
                  ) : (
                    <Text as="p" tone="subdued">
                      Done once your checkout, Thank you page or storefront first asks for offers. Previews
                      here do not count.
                    </Text>
                  )}
                  <List>
                    <List.Item>
                      <Text as="span" fontWeight="semibold">
                        Checkout (Shopify Plus):
                      </Text>{" "}
                      add the “Checkout Upsell AI” block in the{" "}
                      <Link url={editor} target="_top">
                        checkout editor
                      </Link>
                      . Blocks inside checkout need Shopify Plus.
                    </List.Item>
                    <List.Item>
                      <Text as="span" fontWeight="semibold">
                        Thank you page (every plan):
                      </Text>{" "}
                      in the same editor, choose the Thank you page and add the block there.
                    </List.Item>
                    <List.Item>
                      <Text as="span" fontWeight="semibold">
                        Storefront (every plan):
                      </Text>{" "}
                      your theme can ask <code>/apps/upsell/offers?products=…</code> for offers on any page.
                    </List.Item>
                  </List>
                  <InlineStack gap="200">
                    <Button url={editor} target="_top" variant="primary">
                      Open the checkout editor
                    </Button>
                    <Link url={href("/app/preview")}>Preview what shoppers see</Link>
                  </InlineStack>
                </Step>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Live model
                  </Text>
                  <Link url={href("/app/models")}>All versions</Link>
                </InlineStack>
                {liveModel ? (
                  <ModelQuality model={liveModel} />
                ) : (
                  <Text as="p" tone="subdued">
                    No model is live yet. Until one is, shoppers are offered your most popular products.
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Your data
                </Text>
                {hasOrders ? (
                  <InlineGrid columns={2} gap="400">
                    <Stat label="Orders" value={number.format(summary.orders)} />
                    <Stat label="Customers" value={number.format(summary.customers)} />
                    <Stat label="Products" value={number.format(summary.products)} />
                    <Stat label="Order lines" value={number.format(summary.lines)} />
                  </InlineGrid>
                ) : (
                  <Text as="p" tone="subdued">
                    No orders yet.
                  </Text>
                )}
                <Link url={href("/app/privacy")}>What is stored, and customer data requests</Link>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Next
                </Text>
                <List>
                  <List.Item>
                    <Link url={href("/app/performance")}>See how offers perform</Link>
                  </List.Item>
                  <List.Item>
                    <Link url={href("/app/settings")}>Choose where offers appear, and how many</Link>
                  </List.Item>
                  <List.Item>
                    <Link url={href("/app/preview")}>Preview offers for a customer</Link>
                  </List.Item>
                </List>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Checkout Upsell AI" />;
}
