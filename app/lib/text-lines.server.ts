import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";

/** Lines of a stream, gunzipped first when `gzip`; CRLF and LF both end a line. */
export function linesOf(stream: Readable, { gzip = false }: { gzip?: boolean } = {}): AsyncIterable<string> {
  const input = gzip ? stream.pipe(createGunzip()) : stream;
  if (gzip) stream.on("error", (error) => input.destroy(error));
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/** A file's lines (gunzipped when it ends in .gz) and a counter of the bytes read so far, for progress. */
export async function fileLines(file: string) {
  const { size } = await stat(file);
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const progress = { bytesRead: 0, size };
  stream.on("data", (chunk) => {
    progress.bytesRead += chunk.length;
  });
  return { lines: linesOf(stream, { gzip: file.endsWith(".gz") }), progress };
}

/** Lines of an HTTP response body (a bulk operation's JSONL download). */
export function responseLines(response: Response): AsyncIterable<string> {
  if (!response.body) throw new Error("response has no body");
  return linesOf(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
}
