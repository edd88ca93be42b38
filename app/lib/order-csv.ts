import { z } from "zod";
import { ORDER_LINES_HEADER } from "~ml";
import type { OrderSnapshot, ProductSnapshot } from "./order-snapshot";

/** The generic order-lines CSV: one row per order line. */
export const ORDER_CSV_COLUMNS = ORDER_LINES_HEADER;
type Column = (typeof ORDER_CSV_COLUMNS)[number];

export type ColumnIndex = Record<Column, number>;

/** Maps the header to column positions (any order; extra columns ignored), or names what is missing. */
export function readOrderCsvHeader(
  fields: string[],
): { ok: true; index: ColumnIndex } | { ok: false; error: string } {
  const names = fields.map((field) =>
    field
      .trim()
      .replace(/^\uFEFF/, "")
      .toLowerCase(),
  );
  const missing = ORDER_CSV_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `the header lacks ${missing.join(", ")}; expected ${ORDER_CSV_COLUMNS.join(",")}`,
    };
  }
  const index = Object.fromEntries(
    ORDER_CSV_COLUMNS.map((column) => [column, names.indexOf(column)]),
  ) as ColumnIndex;
  return { ok: true, index };
}

const Id = z.string().trim().min(1, "is empty").max(64, "is longer than 64 characters");

export const OrderCsvRowSchema = z
  .object({
    order_id: Id,
    customer_id: z
      .string()
      .trim()
      .max(64, "is longer than 64 characters")
      .transform((v) => v || null),
    product_id: Id,
    quantity: z
      .string()
      .trim()
      .transform((v, ctx) => {
        if (v === "") return 1;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
          ctx.addIssue({ code: "custom", message: `must be a whole number from 1 to 1000000, got "${v}"` });
          return z.NEVER;
        }
        return n;
      }),
    unit_price: z
      .string()
      .trim()
      .transform((v, ctx) => {
        if (v === "") return null;
        if (!/^\d{1,8}(\.\d+)?$/.test(v)) {
          ctx.addIssue({ code: "custom", message: `must be a non-negative amount, got "${v}"` });
          return z.NEVER;
        }
        return (Math.round(Number(v) * 100) / 100).toFixed(2);
      }),
    ordered_at: z
      .string()
      .trim()
      .transform((v, ctx) => {
        if (v === "") return null;
        // A time without an offset is UTC, never the importing machine's zone.
        const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}Z` : v;
        const time = Date.parse(zoned);
        if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(time)) {
          ctx.addIssue({ code: "custom", message: `must be an ISO 8601 date, got "${v}"` });
          return z.NEVER;
        }
        return new Date(time).toISOString();
      }),
    product_title: z.string().trim().max(500, "is longer than 500 characters"),
    product_category: z.string().trim().max(200, "is longer than 200 characters"),
  })
  .refine((row) => row.unit_price === null || row.quantity * Number(row.unit_price) < 1e9, {
    path: ["quantity"],
    message: "times unit_price is implausibly large (1,000,000,000 or more)",
  });
export type OrderCsvRow = z.infer<typeof OrderCsvRowSchema>;

export type ParsedRow = { ok: true; row: OrderCsvRow } | { ok: false; reason: string };

export function parseOrderCsvRow(fields: string[], index: ColumnIndex): ParsedRow {
  if (fields.length < Object.keys(index).length) {
    return { ok: false, reason: `has ${fields.length} fields, expected ${ORDER_CSV_COLUMNS.length}` };
  }
  const record = Object.fromEntries(ORDER_CSV_COLUMNS.map((column) => [column, fields[index[column]] ?? ""]));
  const parsed = OrderCsvRowSchema.safeParse(record);
  if (parsed.success) return { ok: true, row: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `${String(issue.path[0])} ${issue.message}` };
}

/**
 * Accumulates rows into order and product snapshots. A CSV line's id is "L<line number>": unique
 * within one import, whose first batch with an order replaces that order's stored lines.
 */
export class OrderCsvBatch {
  readonly orders = new Map<string, OrderSnapshot>();
  /** orders seen for the first time in this import: their stored lines are replaced */
  readonly firstSeen = new Set<string>();
  readonly products = new Map<string, ProductSnapshot>();
  lines = 0;

  add(row: OrderCsvRow, line: number, customerKey: string | null) {
    let order = this.orders.get(row.order_id);
    if (!order) {
      order = {
        externalId: row.order_id,
        orderedAt: row.ordered_at,
        updatedAt: null,
        customerKey,
        currency: null,
        totalPrice: null,
        financialStatus: null,
        cancelledAt: null,
        test: false,
        lines: [],
        refunds: [],
      };
      this.orders.set(row.order_id, order);
    }
    order.lines.push({
      externalId: `L${line}`,
      productId: row.product_id,
      variantId: null,
      title: row.product_title || null,
      category: row.product_category || null,
      quantity: row.quantity,
      currentQuantity: row.quantity,
      unitPrice: row.unit_price,
      offerId: null,
      offerDiscount: null,
    });
    this.products.set(row.product_id, {
      externalId: row.product_id,
      title: row.product_title || row.product_id,
      handle: null,
      productType: row.product_category || null,
      vendor: null,
      tags: [],
      price: row.unit_price ?? this.products.get(row.product_id)?.price ?? null,
      imageUrl: null,
      status: "ACTIVE",
      available: true,
      updatedAt: null,
      variants: [],
    });
    this.lines += 1;
  }
}
