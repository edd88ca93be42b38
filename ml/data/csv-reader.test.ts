import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MAX_RECORD_BYTES, readCsvRecords } from "./csv-reader";

/** The file as a stream of one chunk per line, each with its line end. */
async function* from(lines: string[], end = "\n") {
  for (const line of lines) yield `${line}${end}`;
}

async function collect(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>) {
  const records = [];
  for await (const record of readCsvRecords(input)) records.push(record);
  return records;
}

describe("readCsvRecords", () => {
  it("splits plain and quoted fields, with doubled quotes and commas inside quotes", async () => {
    expect(await collect(['a,"b, c","say ""hi""",\n'])).toEqual([
      { line: 1, fields: ["a", "b, c", 'say "hi"', ""] },
    ]);
  });

  it("joins a quoted field across lines and numbers records by their first line", async () => {
    expect(await collect(from(["h1,h2", '1,"two', 'lines"', "3,x"]))).toEqual([
      { line: 1, fields: ["h1", "h2"] },
      { line: 2, fields: ["1", "two\nlines"] },
      { line: 4, fields: ["3", "x"] },
    ]);
  });

  it("ends lines at LF, CRLF and CR, split across chunks, and skips a byte-order mark", async () => {
    const bytes = Buffer.from('\uFEFFh,x\r\n1,"two\r\nlines"\r2,café\n3,z');
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 13), bytes.subarray(13, 29), bytes.subarray(29)];
    expect(await collect(Readable.from(chunks))).toEqual([
      { line: 1, fields: ["h", "x"] },
      { line: 2, fields: ["1", "two\r\nlines"] },
      { line: 4, fields: ["2", "café"] },
      { line: 5, fields: ["3", "z"] },
    ]);
  });

  it("reports a quote that never closes", async () => {
    const records = await collect(from(["h", '"never closed', "more"]));
    expect(records.at(-1)).toEqual({ line: 2, error: "unterminated quoted field" });
  });

  it("reports a quote that never closes and still reads every line after it", async () => {
    const good = Array.from({ length: 250 }, (_, i) => `${i},ok`);
    const records = await collect(from(["h,x", '1,"broken', ...good]));
    expect(records[1]).toEqual({ line: 2, error: "quoted field not closed within 100 lines" });
    const fine = records.filter((r) => "fields" in r);
    expect(fine).toHaveLength(1 + 250);
    expect(fine.at(-1)).toEqual({ line: 252, fields: ["249", "ok"] });
  });
});

describe("readCsvRecords on an oversized record", () => {
  it("reports a record longer than MAX_RECORD_BYTES by its line, without splitting it, and reads on", async () => {
    const huge = `2,"${"x".repeat(MAX_RECORD_BYTES + 10)}"`;
    expect(await collect(from(["h,x", "1,ok", huge, "3,ok"], "\r\n"))).toEqual([
      { line: 1, fields: ["h", "x"] },
      { line: 2, fields: ["1", "ok"] },
      { line: 3, error: `record is longer than ${MAX_RECORD_BYTES} bytes` },
      { line: 4, fields: ["3", "ok"] },
    ]);
  });

  it("stops joining an open quoted field once the record passes MAX_RECORD_BYTES", async () => {
    const chunk = "y".repeat(MAX_RECORD_BYTES / 4);
    const records = await collect(from(["h,x", `2,"${chunk}`, chunk, chunk, chunk, `${chunk}"`, "3,ok"]));
    expect(records[1]).toEqual({ line: 2, error: `record is longer than ${MAX_RECORD_BYTES} bytes` });
    expect(records.at(-1)).toEqual({ line: 7, fields: ["3", "ok"] });
  });
});
