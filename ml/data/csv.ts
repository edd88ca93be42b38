import { isCsvError, openTextFile, readCsvRecords } from "./csv-reader";

/** One order line of the shared order-lines CSV format. Empty strings mean "not given". */
export interface OrderRow {
  orderId: string;
  customerId: string;
  productId: string;
  orderedAt: string;
  productTitle: string;
  productCategory: string;
}

/** Maps the header to column positions; throws when a required column is missing. */
export function columnsOf(header: string[]): (fields: string[]) => OrderRow | null {
  const at = (name: string) => header.indexOf(name);
  const [order, customer, product, ordered, title, category] = [
    at("order_id"),
    at("customer_id"),
    at("product_id"),
    at("ordered_at"),
    at("product_title"),
    at("product_category"),
  ];
  if (order < 0 || product < 0) throw new Error("CSV header needs order_id and product_id columns");
  const get = (fields: string[], index: number) => (index < 0 ? "" : (fields[index] ?? "").trim());
  return (fields) => {
    const row: OrderRow = {
      orderId: get(fields, order),
      customerId: get(fields, customer),
      productId: get(fields, product),
      orderedAt: get(fields, ordered),
      productTitle: get(fields, title),
      productCategory: get(fields, category),
    };
    return row.orderId && row.productId ? row : null;
  };
}

/** Parses CSV text held in memory (header first). Rows without an order or product id are skipped. */
export async function parseOrderRows(text: string): Promise<OrderRow[]> {
  return rowsOf([text]);
}

/** Streams an order-lines CSV file, gunzipped when its name ends in .gz. */
export async function readOrderRows(path: string): Promise<OrderRow[]> {
  return rowsOf(openTextFile(path));
}

async function rowsOf(input: AsyncIterable<Buffer | string> | Iterable<string>): Promise<OrderRow[]> {
  let toRow: ((fields: string[]) => OrderRow | null) | null = null;
  const rows: OrderRow[] = [];
  for await (const record of readCsvRecords(input)) {
    if (isCsvError(record) || (record.fields.length === 1 && record.fields[0] === "")) continue;
    if (!toRow) {
      toRow = columnsOf(record.fields);
      continue;
    }
    const row = toRow(record.fields);
    if (row) rows.push(row);
  }
  return rows;
}
