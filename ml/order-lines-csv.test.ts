import { describe, expect, it } from "vitest";
import { MAX_RECORD_CHARS, readCsvRecords, splitCsvRecord } from "./order-lines-csv";

async function* from(lines: string[]) {
  yield* lines;
}

describe("splitCsvRecord", () => {
  it("splits plain and quoted fields, with doubled quotes and commas inside quotes", () => {
    expect(splitCsvRecord('a,"b, c","say ""hi""",')).toEqual(["a", "b, c", 'say "hi"', ""]);
  });
  it("reports an open quoted field as incomplete", () => {
    expect(splitCsvRecord('a,"b')).toBeNull();
  });
});

describe("readCsvRecords", () => {
  it("joins a quoted field across lines and numbers records by their first line", async () => {
    const records = [];
    for await (const record of readCsvRecords(from(["h1,h2", '1,"two', 'lines"', "3,x"])))
      records.push(record);
    expect(records).toEqual([
      { line: 1, fields: ["h1", "h2"] },
      { line: 2, fields: ["1", "two\nlines"] },
      { line: 4, fields: ["3", "x"] },
    ]);
  });
  it("reports a quote that never closes", async () => {
    const records = [];
    for await (const record of readCsvRecords(from(["h", '"never closed', "more"]))) records.push(record);
    expect(records.at(-1)).toEqual({ line: 2, error: "unterminated quoted field" });
  });

  it("reports a quote that never closes and still reads every line after it", async () => {
    const good = Array.from({ length: 250 }, (_, i) => `${i},ok`);
    const records = [];
    for await (const record of readCsvRecords(from(["h,x", '1,"broken', ...good]))) records.push(record);
    expect(records[1]).toEqual({ line: 2, error: "quoted field not closed within 100 lines" });
    const fine = records.filter((r) => "fields" in r);
    expect(fine).toHaveLength(1 + 250);
    expect(fine.at(-1)).toEqual({ line: 252, fields: ["249", "ok"] });
  });
});

describe("readCsvRecords on an oversized record", () => {
  it("reports a record longer than MAX_RECORD_CHARS by its line, without splitting it, and reads on", async () => {
    const huge = `2,"${"x".repeat(MAX_RECORD_CHARS + 10)}"`;
    const records = [];
    for await (const record of readCsvRecords(from(["h,x", "1,ok", huge, "3,ok"]))) records.push(record);
    expect(records).toEqual([
      { line: 1, fields: ["h", "x"] },
      { line: 2, fields: ["1", "ok"] },
      { line: 3, error: `record is longer than ${MAX_RECORD_CHARS} characters` },
      { line: 4, fields: ["3", "ok"] },
    ]);
  });

  it("stops joining an open quoted field once the record passes MAX_RECORD_CHARS", async () => {
    const chunk = "y".repeat(MAX_RECORD_CHARS / 4);
    const lines = ["h,x", `2,"${chunk}`, chunk, chunk, chunk, `${chunk}"`, "3,ok"];
    const records = [];
    for await (const record of readCsvRecords(from(lines))) records.push(record);
    expect(records[1]).toEqual({ line: 2, error: `record is longer than ${MAX_RECORD_CHARS} characters` });
    expect(records.at(-1)).toEqual({ line: 7, fields: ["3", "ok"] });
  });
});
