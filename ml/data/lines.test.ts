import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLines } from "./lines";

async function collect(input: Readable, maxChars: number) {
  const lines = [];
  for await (const line of readLines(input, { maxChars })) lines.push(line);
  return lines;
}

describe("readLines", () => {
  it("splits on LF, CRLF and CR across chunk boundaries, as readline does", async () => {
    const input = Readable.from([Buffer.from("a,1\r"), Buffer.from("\nb,2\n\nc"), Buffer.from(",3\rd\n")]);
    expect(await collect(input, 100)).toEqual(["a,1", "b,2", "", "c,3", "d"]);
  });

  it("decodes a character split between chunks", async () => {
    const bytes = Buffer.from("café\nthé");
    const input = Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]);
    expect(await collect(input, 100)).toEqual(["café", "thé"]);
  });

  it("cuts a line longer than maxChars to maxChars + 1 characters without holding it whole", async () => {
    // 32 MB in 64 KB chunks: held whole it would be a 32 MB string.
    const chunk = Buffer.alloc(64 * 1024, "z");
    async function* source() {
      yield Buffer.from("first\n");
      for (let i = 0; i < 512; i++) yield chunk;
      yield Buffer.from("\nlast\n");
    }
    const lines = await collect(Readable.from(source()), 1000);
    expect(lines.map((line) => line.length)).toEqual([5, 1001, 4]);
    expect(lines[2]).toBe("last");
  });
});
