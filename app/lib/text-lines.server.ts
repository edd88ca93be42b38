import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { readLines } from "~ml";
import { AppError, describeError } from "./errors";

/**
 * Bytes of a stream, gunzipped first when `gzip`; a damaged or cut-short gzip stream fails with an
 * AppError that says so. Nothing is read until the first chunk is pulled.
 */
export async function* bytesOf(
  open: () => Readable,
  { gzip = false }: { gzip?: boolean } = {},
): AsyncGenerator<Buffer> {
  const source = open();
  const input = gzip ? source.pipe(createGunzip()) : source;
  if (gzip) source.on("error", (error) => input.destroy(error));
  try {
    yield* input;
  } catch (error) {
    if (gzip && isZlibError(error)) {
      throw new AppError("BAD_REQUEST", `The gzip file is cut short or damaged (${describeError(error)}).`);
    }
    throw error;
  }
}

/** Lines of a stream (bytesOf); CRLF, LF and CR end a line, and a line past MAX_LINE_CHARS is cut (ml/data/lines.ts). */
export function linesOf(open: () => Readable, options: { gzip?: boolean } = {}): AsyncGenerator<string> {
  return readLines(bytesOf(open, options));
}

/** zlib's failures (a truncated or corrupt stream) carry codes such as Z_BUF_ERROR or Z_DATA_ERROR. */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/**
 * A file's bytes (gunzipped when it ends in .gz) and a counter, for progress, of the bytes handed
 * out so far against the text's whole size (for gzip, the size its trailer records). Counting what
 * was handed out, not what was read, keeps the bar with the import rather than with the read-ahead
 * buffers.
 */
export async function fileText(file: string) {
  const gzip = file.endsWith(".gz");
  const progress = { bytesRead: 0, size: gzip ? await gzipTextSize(file) : (await stat(file)).size };
  async function* counted() {
    for await (const chunk of bytesOf(() => createReadStream(file, { highWaterMark: 1 << 20 }), { gzip })) {
      progress.bytesRead += chunk.length;
      yield chunk;
    }
  }
  return { chunks: counted(), progress };
}

/** A file's lines (gunzipped when it ends in .gz). */
export function fileLines(file: string): AsyncGenerator<string> {
  return linesOf(() => createReadStream(file, { highWaterMark: 1 << 20 }), { gzip: file.endsWith(".gz") });
}

/** The uncompressed size a gzip file's trailer records (modulo 4 GiB, as the format keeps it). */
async function gzipTextSize(file: string): Promise<number> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size < 18) return size;
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0) || size;
  } finally {
    await handle.close();
  }
}

/** Lines of an HTTP response body (a bulk operation's JSONL download). */
export function responseLines(response: Response): AsyncIterable<string> {
  const body = response.body;
  if (!body) throw new Error("response has no body");
  return linesOf(() => Readable.fromWeb(body as WebReadableStream<Uint8Array>));
}
