/** The shared order-lines CSV format: one row per order line, this header first. */
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

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

/**
 * Splits text lines into RFC 4180 records: quoted fields may hold commas, doubled quotes and line
 * breaks. A record whose quotes never close is reported with its starting line number.
 */
export async function* readCsvRecords(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<CsvRecord | CsvError> {
  let lineNumber = 0;
  let pending: { line: number; text: string } | null = null;
  for await (const raw of lines) {
    lineNumber += 1;
    const text: string = pending ? `${pending.text}\n${raw}` : raw;
    const start: number = pending ? pending.line : lineNumber;
    const fields = splitCsvRecord(text);
    if (fields === null) {
      pending = { line: start, text };
      continue;
    }
    pending = null;
    yield { line: start, fields };
  }
  if (pending) yield { line: pending.line, error: "unterminated quoted field" };
}

export interface CsvError {
  line: number;
  error: string;
}

export function isCsvError(value: CsvRecord | CsvError): value is CsvError {
  return "error" in value;
}

/** Fields of one record, or null when a quoted field is still open at the end of the text. */
export function splitCsvRecord(text: string): string[] | null {
  if (!text.includes('"')) return text.split(",");
  const fields: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else {
      field += ch;
    }
    i += 1;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}
