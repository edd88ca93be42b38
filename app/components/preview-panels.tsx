import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, Select, Text, TextField } from "@shopify/polaris";
import { type ReactNode, useState } from "react";
import { customerLabel, formatDay } from "~/lib/customer-label";

/** A customer as the preview's loader sends them. */
interface CustomerSummary {
  customerKey: string;
  orders: number;
  lastOrderAt: Date | string | null;
}

interface PurchaseSummary {
  orderNumber: string;
  orderedAt: Date | string;
  products: Array<{ productId: string; title: string }>;
}

/** Who is previewed: a customer from the list, or an order's customer with that order's cart. */
export function ShopperCard({
  customers,
  customerKey,
  order: initialOrder,
  fields,
  cart,
  loading,
}: {
  customers: CustomerSummary[];
  customerKey: string | null;
  order: string;
  fields: ReactNode;
  cart: string;
  loading: boolean;
}) {
  const [customer, setCustomer] = useState(customerKey ?? "");
  const [order, setOrder] = useState(initialOrder);
  const options = [
    { label: "A guest (no purchase history)", value: "" },
    ...customers.map((c) => ({ label: customerLabel(c), value: c.customerKey })),
  ];
  return (
    <Card>
      <Form method="get">
        {fields}
        {/* An order brings its own cart; without one, the cart shown is kept. */}
        {order ? null : <input type="hidden" name="cart" value={cart} />}
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Shopper
          </Text>
          <Select
            label="Customer"
            name="customer"
            options={options}
            value={customer}
            onChange={(value) => {
              setCustomer(value);
              setOrder("");
            }}
          />
          <TextField
            label="Or an order number"
            name="order"
            value={order}
            onChange={setOrder}
            autoComplete="off"
            helpText="Previews that order's checkout: its customer, all its products in the cart, and their purchases before it."
          />
          <Button submit loading={loading}>
            Preview
          </Button>
        </BlockStack>
      </Form>
    </Card>
  );
}

export function ProductSearch({ fields, query: initialQuery }: { fields: ReactNode; query: string }) {
  const [query, setQuery] = useState(initialQuery);
  return (
    <Form method="get">
      {fields}
      <BlockStack gap="200">
        <TextField
          label="Find a product to add"
          name="q"
          value={query}
          onChange={setQuery}
          autoComplete="off"
        />
        <Button submit>Search</Button>
      </BlockStack>
    </Form>
  );
}

/**
 * The previewed customer's latest orders that the ranking counts, so "You bought this before" can be
 * checked by eye; for an order, whose it was and that only the purchases before it count.
 */
export function PurchasesCard({
  customer,
  guest,
  order,
  purchases,
}: {
  customer: CustomerSummary | null;
  guest: boolean;
  order: { orderNumber: string; orderedAt: Date | string | null } | null;
  purchases: PurchaseSummary[];
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Purchases counted
        </Text>
        {order ? (
          <Text as="p">
            {`Order ${order.orderNumber}${order.orderedAt ? ` of ${formatDay(order.orderedAt)}` : ""}, ${
              customer ? `by ${customerLabel(customer)}` : "a guest checkout"
            }: offers as they would have been then.`}
          </Text>
        ) : null}
        {guest ? (
          <Text as="p" tone="subdued">
            A guest has no purchase history: the offers follow the cart alone.
          </Text>
        ) : purchases.length === 0 ? (
          <Text as="p" tone="subdued">
            {order ? "No purchase before this order." : "No purchase yet."}
          </Text>
        ) : (
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              {`Their latest orders${order ? " before this one" : ""}, which “You bought this before” refers to:`}
            </Text>
            {purchases.map((purchase) => (
              <BlockStack key={purchase.orderNumber} gap="050">
                <Text as="h3" variant="headingSm">
                  {`${formatDay(purchase.orderedAt)} · Order ${purchase.orderNumber}`}
                </Text>
                <Text as="p">{purchase.products.map((product) => product.title).join(", ")}</Text>
              </BlockStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
