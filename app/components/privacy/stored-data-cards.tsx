import { List, Text } from "@shopify/polaris";
import { LabelledItem } from "~/components/labelled-item";
import { SectionCard } from "~/components/section-card";

/** What the app keeps, what it never keeps, and for how long: the page's fixed explanation. */
export function StoredDataCards({ modelsKept }: { modelsKept: number }) {
  return (
    <>
      <SectionCard title="What is stored">
        <List>
          <LabelledItem label="Orders:">
            when they were placed, currency, total, total discounts and payment status, and for each line the
            product and variant ids, title, quantity, refunded quantity, price and, for lines added from an
            offer, the offer's id.
          </LabelledItem>
          <LabelledItem label="Customers:">
            only a keyed hash of their Shopify customer id, to link their orders to each other. It cannot be
            turned back into the id, and the same person has unrelated hashes in two shops.
          </LabelledItem>
          <LabelledItem label="Offer events:">
            which offer was shown, clicked, added or removed, where and when, beside which products of the
            checkout, with the shopper's segment (such as first order or VIP), how often their past orders
            carried a discount (never, sometimes or mostly) and the customer's hash when the shopper was
            logged in.
          </LabelledItem>
          <LabelledItem label="Products:">
            titles, types, vendors, tags, prices, images and stock, to offer only what can be bought.
          </LabelledItem>
          <LabelledItem label="Models:">
            numbers about products learned from the orders; they hold nothing about a customer.
          </LabelledItem>
        </List>
      </SectionCard>
      <SectionCard title="Never stored">
        <Text as="p">
          Names, email addresses, postal addresses, phone numbers, IP addresses, order notes, payment details
          and free-text line properties. They are removed from Shopify's data before anything is saved.
          Shopper addresses are only counted in memory for one minute to limit abuse.
        </Text>
      </SectionCard>
      <SectionCard title="How long">
        <List>
          <List.Item>Orders, events and products: while the app is installed.</List.Item>
          <List.Item>
            Trained models: the live one and the {modelsKept} most recent versions; older versions keep only
            their measurements.
          </List.Item>
          <List.Item>
            After you uninstall the app, Shopify asks it 48 hours later to delete your shop's data, and
            everything is deleted then.
          </List.Item>
          <List.Item>
            Webhooks Shopify sends: their content for one day, a record of each for 14 days.
          </List.Item>
          <List.Item>
            A customer's erasure request deletes their data at once, and a model trained without them replaces
            the live one as soon as it is trained. Versions trained before cannot be restored.
          </List.Item>
        </List>
      </SectionCard>
    </>
  );
}
