import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { readLines } from "~ml/lines";
import { AppError, describeError } from "./errors";

/**
 * Lines of a stream, gunzipped first when `gzip`; CRLF, LF and CR end a line, and a line past
 * MAX_LINE_CHARS is cut (ml/lines.ts). Nothing is read until the first line is pulled.
 */
export async function* linesOf(
  open: () => Readable,
  { gzip = false }: { gzip?: boolean } = {},
): AsyncGenerator<string> {
  const source = open();
  const input = gzip ? source.pipe(createGunzip()) : source;
  if (gzip) source.on("error", (error) => input.destroy(error));
  try {
    yield* readLines(input);
  } catch (error) {
    if (gzip && isZlibError(error)) {
      throw new AppError("BAD_REQUEST", `The gzip file is cut short or damaged (${describeError(error)}).`);
    }
    throw error;
  }
}

/** zlib's failures (a truncated or corrupt stream) carry codes such as Z_BUF_ERROR or Z_DATA_ERROR. */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/** A file's lines (gunzipped when it ends in .gz) and a counter of the bytes read so far, for progress. */
export async function fileLines(file: string) {
  const { size } = await stat(file);
  const progress = { bytesRead: 0, size };
  const open = () =>
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          progress.bytesRead += chunk.length;
          done(null, chunk);
        },
      }),
    );
  return { lines: linesOf(open, { gzip: file.endsWith(".gz") }), progress };
}

/** Lines of an HTTP response body (a bulk operation's JSONL download). */
export function responseLines(response: Response): AsyncIterable<string> {
  const body = response.body;
  if (!body) throw new Error("response has no body");
  return linesOf(() => Readable.fromWeb(body as WebReadableStream<Uint8Array>));
}
