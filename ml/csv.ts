import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/** One order line of the shared order-lines CSV format. Empty strings mean "not given". */
export interface OrderRow {
  orderId: string;
  customerId: string;
  productId: string;
  orderedAt: string;
  productTitle: string;
  productCategory: string;
}

export const ORDER_LINES_HEADER = [
  "order_id",
  "customer_id",
  "product_id",
  "quantity",
  "unit_price",
  "ordered_at",
  "product_title",
  "product_category",
] as const;

/** Splits one CSV record (RFC 4180 quoting, no embedded line breaks). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        const quote = line.indexOf('"', i);
        if (quote === -1) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      i = line.indexOf(",", i) === -1 ? line.length + 1 : line.indexOf(",", i) + 1;
    } else {
      const comma = line.indexOf(",", i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
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
export function parseOrderRows(text: string): OrderRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) return [];
  const toRow = columnsOf(parseCsvLine(lines[0]!));
  const rows: OrderRow[] = [];
  for (const line of lines.slice(1)) {
    const row = toRow(parseCsvLine(line));
    if (row) rows.push(row);
  }
  return rows;
}

/** Streams an order-lines CSV file, gzipped (by name or magic bytes) or plain. */
export async function readOrderRows(path: string): Promise<OrderRow[]> {
  const raw = createReadStream(path);
  const input = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let toRow: ((fields: string[]) => OrderRow | null) | null = null;
  const rows: OrderRow[] = [];
  for await (const line of lines) {
    if (line.length === 0) continue;
    const fields = parseCsvLine(line);
    if (!toRow) {
      toRow = columnsOf(fields);
      continue;
    }
    const row = toRow(fields);
    if (row) rows.push(row);
  }
  return rows;
}
