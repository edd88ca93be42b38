import { List, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** A list item led by a label in bold: "Orders: what is kept of them". */
export function LabelledItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <List.Item>
      <Text as="span" fontWeight="semibold">
        {label}
      </Text>{" "}
      {children}
    </List.Item>
  );
}
