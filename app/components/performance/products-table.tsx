import { Card, DataTable } from "@shopify/polaris";
import { count } from "~/lib/format";
import type { OfferPerformance } from "~/services/offer-performance.server";
import { percent, SURFACE_NAMES } from "./labels";

const PRODUCTS_SHOWN = 25;
const COLUMNS: ReadonlyArray<readonly [heading: string, type: "text" | "numeric"]> = [
  ["Product", "text"],
  ["Where", "text"],
  ["Model", "text"],
  ["Shown", "numeric"],
  ["Clicks", "numeric"],
  ["Bought", "numeric"],
  ["Take rate", "numeric"],
  ["Revenue", "numeric"],
  ["Discounts", "numeric"],
];

/** The best offered products; the CSV export has every row. */
export function ProductsTable({ rows, money }: { rows: OfferPerformance["rows"]; money: Intl.NumberFormat }) {
  return (
    <Card padding="0">
      <DataTable
        columnContentTypes={COLUMNS.map(([, type]) => type)}
        headings={COLUMNS.map(([heading]) => heading)}
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
            money.format(Number(row.discountCost)),
          ])}
        footerContent={
          rows.length > PRODUCTS_SHOWN
            ? `The ${PRODUCTS_SHOWN} best of ${count.format(rows.length)}; the CSV export has them all.`
            : undefined
        }
      />
    </Card>
  );
}
