import { useFetcher } from "@remix-run/react";
import { Banner, Button, InlineStack, Modal, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { SectionCard } from "~/components/section-card";

/** Erases a customer's data given one of their orders, after asking; posts the page's `erase` intent. */
export function EraseCustomerCard() {
  const erase = useFetcher<{ ok: boolean; message: string }>();
  const [orderNumber, setOrderNumber] = useState("");
  const [confirming, setConfirming] = useState(false);
  const submit = () => {
    setConfirming(false);
    erase.submit({ intent: "erase", orderNumber }, { method: "post" });
  };
  return (
    <SectionCard title="Erase a customer's data">
      <Text as="p" tone="subdued">
        Shopify forwards customers' erasure requests automatically. To erase someone yourself, give one of
        their orders: all their orders and offer events are deleted.
      </Text>
      {erase.data ? <Banner tone={erase.data.ok ? "success" : "warning"}>{erase.data.message}</Banner> : null}
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
    </SectionCard>
  );
}
