import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type Parser, parse } from "csv-parse";

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  error: string;
}

export function isCsvError(value: CsvRecord | CsvError): value is CsvError {
  return "error" in value;
}

/** The most physical lines one record may span: an unclosed quote cannot swallow a whole file. */
export const MAX_RECORD_LINES = 100;

/**
 * The longest record read: a good row is far shorter (a title is at most 500 characters), and a
 * blob is refused before it is held whole.
 */
export const MAX_RECORD_BYTES = 64 * 1024;

/** A text file's bytes, gunzipped when its name ends in .gz. */
export function openTextFile(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!path.endsWith(".gz")) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/**
 * RFC 4180 records of a UTF-8 byte stream, parsed by csv-parse as the stream is read: quoted fields
 * may hold commas, doubled quotes and line breaks; CRLF, LF and CR each end a line. A record that
 * grows past MAX_RECORD_BYTES or whose quote stays open over MAX_RECORD_LINES lines is reported with
 * its first line number, and reading resumes on the line after that one, so one broken row costs
 * that row only. A quote still open at the end of the input is reported too.
 */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<CsvRecord | CsvError> {
  const source = (async function* () {
    yield* input;
  })();
  try {
    yield* readFrom(source);
  } finally {
    // A reader that stops early closes the file under it.
    await source.return(undefined);
  }
}

async function* readFrom(source: AsyncGenerator<Buffer | string>): AsyncGenerator<CsvRecord | CsvError> {
  // Input to read again after a bad record, ahead of the source.
  const pending: Buffer[] = [];
  const next = async (): Promise<Buffer | null> => {
    const held = pending.shift();
    if (held) return held;
    const read = await source.next();
    if (read.done) return null;
    return typeof read.value === "string" ? Buffer.from(read.value) : read.value;
  };
  // What to drop before parsing again: the rest of a bad record's first line, or the LF of its CRLF.
  let skip: "none" | "line" | "lf" = "none";
  let firstLine = 1;
  for (;;) {
    const run = startParser(firstLine);
    let failure: string | null = null;
    for (let chunk = await next(); chunk; chunk = await next()) {
      if (skip !== "none") {
        const rest = afterLineBreak(chunk, skip);
        if (rest.skip !== "none" && rest.bytes.length === 0) {
          skip = rest.skip;
          continue;
        }
        skip = "none";
        chunk = rest.bytes;
        if (chunk.length === 0) continue;
      }
      run.write(chunk);
      yield* run.take();
      failure = run.failure();
      if (failure) break;
    }
    if (!failure) {
      failure = await run.end();
      yield* run.take();
      if (failure === QUOTE_NOT_CLOSED) {
        yield { line: run.recordLine(), error: failure };
        return;
      }
      if (!failure) return;
    }
    yield { line: run.recordLine(), error: failure };
    const rest = afterLineBreak(run.recordBytes(), "line");
    if (rest.bytes.length > 0) pending.unshift(rest.bytes);
    skip = rest.skip;
    firstLine = run.recordLine() + 1;
  }
}

const QUOTE_NOT_CLOSED = "unterminated quoted field";

/** One csv-parse parser over input starting at `firstLine`, keeping the bytes of the record it is in. */
function startParser(firstLine: number) {
  const records: CsvRecord[] = [];
  let lastEnd = firstLine - 1;
  // csv-parse counts a CRLF inside a quoted field as two lines; this many lines too many so far.
  let overcount = 0;
  let recordStart = 0;
  let kept: Buffer[] = [];
  let keptStart = 0;
  let error: Error | null = null;
  const parser: Parser = parse({
    bom: firstLine === 1,
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (fields: string[], { lines, bytes }: { lines: number; bytes: number }) => {
      for (const field of fields) if (field.includes("\r\n")) overcount += field.split("\r\n").length - 1;
      records.push({ line: lastEnd + 1, fields });
      lastEnd = firstLine - 1 + lines - overcount;
      recordStart = bytes;
      return null;
    },
  });
  parser.on("error", (cause) => {
    error = cause;
  });
  const describe = (cause: Error | null) => {
    if (!cause) return null;
    const code = (cause as { code?: string }).code;
    if (code === "CSV_MAX_RECORD_SIZE") return `record is longer than ${MAX_RECORD_BYTES} bytes`;
    if (code === "CSV_QUOTE_NOT_CLOSED") return QUOTE_NOT_CLOSED;
    throw cause;
  };
  return {
    write(chunk: Buffer) {
      // on_record keeps every record here and hands none downstream, so the parser never waits for a
      // reader: a write is parsed before it returns, and its records and errors are known right after.
      parser.write(chunk);
      kept.push(chunk);
      // Only the bytes of the record still open are needed to read its lines again.
      while (kept.length > 0 && keptStart + kept[0]!.length <= recordStart) keptStart += kept.shift()!.length;
    },
    take() {
      return records.splice(0);
    },
    /** Why reading must stop in the record now open, if it must. */
    failure(): string | null {
      if (parser.errored) return describe(parser.errored);
      const spanned = parser.info.lines - overcount - (lastEnd - firstLine + 1);
      return spanned > MAX_RECORD_LINES ? `quoted field not closed within ${MAX_RECORD_LINES} lines` : null;
    },
    async end(): Promise<string | null> {
      await new Promise<void>((resolve) => {
        parser.once("error", () => resolve());
        parser.once("finish", () => resolve());
        parser.end();
      });
      return describe(error);
    },
    recordLine: () => lastEnd + 1,
    /** The bytes read of the record now open (parser.destroy()ed: it is not used again). */
    recordBytes() {
      parser.destroy();
      const bytes = Buffer.concat(kept).subarray(recordStart - keptStart);
      kept = [];
      return bytes;
    },
  };
}

/** The bytes after the first line break (CRLF, LF or CR), and what is still to skip when there is none. */
function afterLineBreak(bytes: Buffer, skip: "line" | "lf"): { bytes: Buffer; skip: "none" | "line" | "lf" } {
  if (skip === "lf") return { bytes: bytes[0] === LF ? bytes.subarray(1) : bytes, skip: "none" };
  const lf = bytes.indexOf(LF);
  const cr = bytes.indexOf(CR);
  const at = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
  if (at < 0) return { bytes: Buffer.alloc(0), skip: "line" };
  if (bytes[at] === LF) return { bytes: bytes.subarray(at + 1), skip: "none" };
  if (at + 1 === bytes.length) return { bytes: Buffer.alloc(0), skip: "lf" };
  return { bytes: bytes.subarray(bytes[at + 1] === LF ? at + 2 : at + 1), skip: "none" };
}

const LF = 0x0a;
const CR = 0x0d;

/** CSV text of lines given without their ends (generated files), LF-ended, in chunks of about 64 KiB. */
export async function* csvTextOf(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let chunk = "";
  for await (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}
