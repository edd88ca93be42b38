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

/** The most physical lines one record may span: an unclosed quote cannot swallow a whole file. */
export const MAX_RECORD_LINES = 100;

/**
 * The longest record read: a good row is far shorter (a title is at most 500 characters), and a
 * blob is refused before it is split, which costs memory many times its size.
 */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * Splits text lines into RFC 4180 records: quoted fields may hold commas, doubled quotes and line
 * breaks. A record whose quote does not close within MAX_RECORD_LINES lines, or that grows past
 * MAX_RECORD_CHARS, is reported with its first line number, and reading resumes on the line after it.
 */
export async function* readCsvRecords(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<CsvRecord | CsvError> {
  let lineNumber = 0;
  let pending: { line: number; parts: string[] } | null = null;
  const queue: Array<{ line: number; text: string }> = [];
  for await (const raw of lines) {
    lineNumber += 1;
    queue.push({ line: lineNumber, text: raw });
    while (queue.length > 0) {
      const next = queue.shift()!;
      const start: number = pending ? pending.line : next.line;
      const parts: string[] = pending ? [...pending.parts, next.text] : [next.text];
      const text = parts.join("\n");
      const fields = text.length > MAX_RECORD_CHARS ? null : splitCsvRecord(text);
      if (fields !== null) {
        pending = null;
        yield { line: start, fields };
      } else if (parts.length >= MAX_RECORD_LINES || text.length > MAX_RECORD_CHARS) {
        pending = null;
        const error =
          text.length > MAX_RECORD_CHARS
            ? `record is longer than ${MAX_RECORD_CHARS} characters`
            : `quoted field not closed within ${MAX_RECORD_LINES} lines`;
        yield { line: start, error };
        queue.unshift(...parts.slice(1).map((text, i) => ({ line: start + 1 + i, text })));
      } else {
        pending = { line: start, parts };
      }
    }
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
