import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["Mug, large", 'The "best" one'],
          ["=HYPERLINK(1)", 2.5],
          [null, "-3"],
        ],
      ),
    ).toBe('a,b\r\n"Mug, large","The ""best"" one"\r\n\'=HYPERLINK(1),2.5\r\n,\'-3\r\n');
  });
});
