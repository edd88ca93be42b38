import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  List,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { downloadFile } from "~/components/download";
import { useEmbeddedHref } from "~/components/embedded";
import { PageError } from "~/components/page-error";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { isAppError } from "~/lib/errors";
import { eraseCustomerByOrder } from "~/services/erase-customer.server";
import { listCustomerDataRequests } from "~/services/privacy.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const dataRequests = await listCustomerDataRequests(db(), session.shop);
  return { dataRequests, modelsKept: env().MODEL_ARTIFACTS_KEPT };
}

const EraseSchema = z.object({
  intent: z.literal("erase"),
  orderNumber: z.string().trim().min(1, "Enter an order number").max(64, "That is not an order number"),
});

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const parsed = EraseSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  try {
    const erased = await eraseCustomerByOrder(db(), {
      shopDomain: session.shop,
      orderNumber: parsed.data.orderNumber,
    });
    return {
      ok: true,
      message: erased.customerKnown
        ? `Erased the customer of order ${parsed.data.orderNumber}: ${erased.deletedOrders} orders, with their offer events. The next model is trained without them.`
        : `Order ${parsed.data.orderNumber} was a guest checkout; that order was erased.`,
    };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default function Privacy() {
  const { dataRequests, modelsKept } = useLoaderData<typeof loader>();
  const href = useEmbeddedHref();
  const erase = useFetcher<{ ok: boolean; message: string }>();
  const [orderNumber, setOrderNumber] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const submit = () => {
    setConfirming(false);
    erase.submit({ intent: "erase", orderNumber }, { method: "post" });
  };
  return (
    <Page
      title="Data and privacy"
      subtitle="What the app keeps about your shop and your customers, and for how long"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  What is stored
                </Text>
                <List>
                  <List.Item>
                    <Text as="span" fontWeight="semibold">
                      Orders:
                    </Text>{" "}
                    when they were placed, currency, total and payment status, and for each line the product
                    and variant ids, title, quantity, refunded quantity, price and, for lines added from an
                    offer, the offer's id.
                  </List.Item>
                  <List.Item>
                    <Text as="span" fontWeight="semibold">
                      Customers:
                    </Text>{" "}
                    only a keyed hash of their Shopify customer id, to link their orders to each other. It
                    cannot be turned back into the id, and the same person has unrelated hashes in two shops.
                  </List.Item>
                  <List.Item>
                    <Text as="span" fontWeight="semibold">
                      Offer events:
                    </Text>{" "}
                    which offer was shown, clicked, added or removed, where and when, with the customer's hash
                    when the shopper was logged in.
                  </List.Item>
                  <List.Item>
                    <Text as="span" fontWeight="semibold">
                      Products:
                    </Text>{" "}
                    titles, types, vendors, tags, prices, images and stock, to offer only what can be bought.
                  </List.Item>
                  <List.Item>
                    <Text as="span" fontWeight="semibold">
                      Models:
                    </Text>{" "}
                    numbers about products learned from the orders; they hold nothing about a customer.
                  </List.Item>
                </List>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Never stored
                </Text>
                <Text as="p">
                  Names, email addresses, postal addresses, phone numbers, IP addresses, order notes, payment
                  details and free-text line properties. They are removed from Shopify's data before anything
                  is saved. Shopper addresses are only counted in memory for one minute to limit abuse.
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  How long
                </Text>
                <List>
                  <List.Item>Orders, events and products: while the app is installed.</List.Item>
                  <List.Item>
                    Trained models: the live one and the {modelsKept} most recent versions; older versions
                    keep only their measurements.
                  </List.Item>
                  <List.Item>
                    After you uninstall the app, Shopify asks it 48 hours later to delete your shop's data,
                    and everything is deleted then.
                  </List.Item>
                  <List.Item>
                    Webhooks Shopify sends: their content for one day, a record of each for 14 days.
                  </List.Item>
                  <List.Item>
                    A customer's erasure request deletes their data at once, and a model trained without them
                    replaces the live one as soon as it is trained. Versions trained before cannot be
                    restored.
                  </List.Item>
                </List>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Customer data requests
                </Text>
                <Text as="p" tone="subdued">
                  When a customer asks Shopify what you hold about them, a report of what this app holds is
                  prepared here for you to hand over.
                </Text>
                {downloadError ? <Banner tone="critical">{downloadError}</Banner> : null}
                {dataRequests.length === 0 ? (
                  <Text as="p">No requests so far.</Text>
                ) : (
                  dataRequests.map((request) => (
                    <InlineStack key={request.id} align="space-between" blockAlign="center">
                      <Text as="span">{day.format(new Date(request.requestedAt))}</Text>
                      <Button
                        size="slim"
                        accessibilityLabel={`Download the report of ${day.format(new Date(request.requestedAt))}`}
                        onClick={() =>
                          downloadFile(
                            href(`/app/data-requests/${request.id}`),
                            `data-request-${request.id}.json`,
                          ).then(
                            () => setDownloadError(null),
                            (error: Error) => setDownloadError(error.message),
                          )
                        }
                      >
                        Download
                      </Button>
                    </InlineStack>
                  ))
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Erase a customer's data
                </Text>
                <Text as="p" tone="subdued">
                  Shopify forwards customers' erasure requests automatically. To erase someone yourself, give
                  one of their orders: all their orders and offer events are deleted.
                </Text>
                {erase.data ? (
                  <Banner tone={erase.data.ok ? "success" : "warning"}>{erase.data.message}</Banner>
                ) : null}
                <TextField
                  label="Order ID"
                  value={orderNumber}
                  onChange={setOrderNumber}
                  autoComplete="off"
                  helpText="The number at the end of the order's address in your admin (…/orders/5123456789), or the order_id of an imported file."
                />
                <InlineStack>
                  <Button
                    tone="critical"
                    onClick={() => setConfirming(true)}
                    disabled={orderNumber.trim() === ""}
                    loading={erase.state !== "idle"}
                  >
                    Erase…
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Erase this customer's data?"
        primaryAction={{ content: "Erase", destructive: true, onAction: submit }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            Every order of the customer of order {orderNumber.trim()}, and their offer events, are deleted
            from this app. Your orders in Shopify are not touched. This cannot be undone.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError title="Data and privacy" />;
}
