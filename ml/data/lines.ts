import { StringDecoder } from "node:string_decoder";

/** The longest line a reader hands on whole: far beyond any JSONL line we read. */
export const MAX_LINE_CHARS = 2 ** 20;

/**
 * Lines of a UTF-8 byte stream; LF, CRLF and CR each end a line, as with readline. A line longer
 * than `maxChars` is cut to its first `maxChars + 1` characters and the rest skipped as it streams,
 * so a reader sees it was too long without the memory to hold it: one unclosed quote or blob in a
 * file cannot take the process down.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  { maxChars = MAX_LINE_CHARS }: { maxChars?: number } = {},
): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let parts: string[] = [];
  let length = 0;
  let open = false;
  // A CR ended the last chunk: an LF opening the next one belongs to it.
  let afterCr = false;
  const keep = (piece: string) => {
    open = true;
    const room = maxChars + 1 - length;
    if (room > 0) parts.push(piece.length > room ? piece.slice(0, room) : piece);
    length += piece.length;
  };
  const take = () => {
    const line = parts.length === 1 ? parts[0]! : parts.join("");
    parts = [];
    length = 0;
    open = false;
    return line;
  };
  for await (const chunk of input) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = 0;
    if (afterCr && text.startsWith("\n")) start = 1;
    afterCr = false;
    const ends = /\r\n|\n|\r/g;
    ends.lastIndex = start;
    for (let end = ends.exec(text); end; end = ends.exec(text)) {
      keep(text.slice(start, end.index));
      yield take();
      start = end.index + end[0].length;
      if (end[0] === "\r" && start === text.length) afterCr = true;
    }
    if (start < text.length) keep(text.slice(start));
  }
  const rest = decoder.end();
  if (rest) keep(rest);
  if (open) yield take();
}
