import { createHmac } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { buyerTag, shopOfferKey, signOfferToken } from "~/lib/offer-token.server";
import {
  buildInput,
  buildLine,
  type InputLine,
  type OfferDiscountConfig,
  variantOf,
} from "./offer-discount-input";
import {
  type CartLinesDiscountsGenerateRunResult,
  median,
  moduleSize,
  runFunction,
  runTimes,
  WASM_PATH,
  wasmBuilt,
} from "./run-function";

const SECRET = "offer-discount-function-test-secret";
const SHOP = "offer-shop.myshopify.com";
const OTHER_SHOP = "other-shop.myshopify.com";
const PRODUCT = "8123456789099";
const OTHER_PRODUCT = "8123456789100";
const CUSTOMER = "7412587412";
const OTHER_VARIANT = "45012345679998";
const variantField = (variantId: string) => Number(variantId).toString(36);
// Late in the UTC day, so that the shop's next local date is the next UTC day too.
const SERVED_AT = new Date("2026-07-15T23:30:00Z");
const SERVED_DATE = "2026-07-15";
const KEY = shopOfferKey(SHOP, SECRET);
const CONFIG: OfferDiscountConfig = {
  key: KEY.toString("hex"),
  maxPercent: 30,
  message: "Your offer: 10% off",
};
const NO_DISCOUNT = { operations: [] };

function sign(overrides: Partial<Parameters<typeof signOfferToken>[0]> = {}, shopDomain = SHOP) {
  return signOfferToken(
    {
      shopDomain,
      productId: PRODUCT,
      modelVersion: 7,
      surface: "checkout",
      variantId: variantOf(PRODUCT),
      servedAt: SERVED_AT,
      discountPercent: 10,
      ...overrides,
    },
    SECRET,
  );
}

function run(lines: InputLine[], options: Partial<Omit<Parameters<typeof buildInput>[0], "lines">> = {}) {
  return runFunction(buildInput({ lines, config: CONFIG, localDate: SERVED_DATE, ...options }));
}

/** The output that gives each line `[line, units, percent]` its discount. */
function discounted(
  ...targets: [line: InputLine, units: number, percent: number][]
): CartLinesDiscountsGenerateRunResult {
  return {
    operations: [
      {
        productDiscountsAdd: {
          candidates: targets.map(([line, units, percent]) => ({
            message: CONFIG.message,
            targets: [{ cartLine: { id: line.id, quantity: units } }],
            value: { percentage: { value: percent } },
          })),
          selectionStrategy: "ALL",
        },
      },
    ],
  };
}

/** The token with field `index` (0 is the format, 12 the MAC) replaced. */
function withField(token: string, index: number, value: string) {
  const fields = token.split(".");
  fields[index] = value;
  return fields.join(".");
}

/** A different character of the same alphabet at `position`. */
function flipChar(field: string, position = 0) {
  const c = field[position]!;
  return `${field.slice(0, position)}${c === "A" ? "B" : "A"}${field.slice(position + 1)}`;
}

if (!wasmBuilt) {
  console.warn(
    `Offer discount function tests skipped: no ${WASM_PATH}. Run \`npm run build:function\` first.`,
  );
}

describe.skipIf(!wasmBuilt)("offer discount function (the built WebAssembly module)", () => {
  afterAll(() => {
    console.log(
      `offer-discount.wasm: ${moduleSize().toLocaleString("en-US")} bytes; ` +
        `median run ${median(runTimes).toFixed(3)} ms over ${runTimes.length} inputs`,
    );
  });

  it("gives a guest's offer its discount on its line, one unit", async () => {
    const line = buildLine({ productId: PRODUCT, offer: sign(), quantity: 1 });
    expect(await run([line])).toEqual(discounted([line, 1, 10]));
  });

  it("uses the default message when the discount's configuration has none", async () => {
    const line = buildLine({ productId: PRODUCT, offer: sign() });
    const { message: _, ...config } = CONFIG;
    const output = await run([line], { config });
    expect(output.operations[0]?.productDiscountsAdd.candidates[0]?.message).toBe("Offer discount");
  });

  describe("a logged-in buyer's offer", () => {
    const token = sign({ customerId: CUSTOMER });

    it("is theirs", async () => {
      const line = buildLine({ productId: PRODUCT, offer: token });
      expect(await run([line], { customerId: CUSTOMER })).toEqual(discounted([line, 1, 10]));
    });

    it("is no other customer's", async () => {
      const line = buildLine({ productId: PRODUCT, offer: token });
      expect(await run([line], { customerId: "7412587413" })).toEqual(NO_DISCOUNT);
    });

    it("is no guest's", async () => {
      const line = buildLine({ productId: PRODUCT, offer: token });
      expect(await run([line], { customerId: null })).toEqual(NO_DISCOUNT);
    });
  });

  it("honours an offer id of the earlier format, signed before segments, while its discount lasts", async () => {
    const fields = sign().split(".");
    const body = ["o3", ...fields.slice(1, 10), fields[11]].join(".");
    const mac = createHmac("sha256", KEY).update(body).digest().subarray(0, 12).toString("base64url");
    const line = buildLine({ productId: PRODUCT, offer: `${body}.${mac}` });
    expect(await run([line])).toEqual(discounted([line, 1, 10]));
  });

  it("honours an id whose shopper letter also carries their discount history", async () => {
    const token = sign({ segment: "returning", discountHistory: "mostly" });
    expect(token.split(".")[10]).not.toBe("r");
    const line = buildLine({ productId: PRODUCT, offer: token });
    expect(await run([line])).toEqual(discounted([line, 1, 10]));
  });

  describe("a forged or altered offer id gives nothing", () => {
    const token = sign({ quantity: 2, segment: "vip" });
    const otherProductField = Number(OTHER_PRODUCT).toString(36);

    it("verifies unaltered, as the baseline of the cases below", async () => {
      const line = buildLine({ productId: PRODUCT, offer: token });
      expect(await run([line])).toEqual(discounted([line, 1, 10]));
    });

    it.each([
      ["format", 0, "o2"],
      ["variant", 2, variantField(OTHER_VARIANT)],
      ["model version", 3, "8"],
      ["surface", 4, "t"],
      ["served at", 5, (Math.floor(SERVED_AT.getTime() / 1000) + 60).toString(36)],
      ["discount percent", 6, (25).toString(36)],
      ["experiment", 7, "abcd1"],
      ["quantity", 8, "9"],
      ["buyer", 9, buyerTag(KEY, CUSTOMER)],
      ["segment", 10, "g"],
      ["nonce", 11, flipChar(token.split(".")[11]!)],
      ["MAC", 12, flipChar(token.split(".")[12]!, 15)],
    ])("with its %s changed", async (_field, index, value) => {
      const line = buildLine({ productId: PRODUCT, offer: withField(token, index, value) });
      expect(await run([line], { customerId: CUSTOMER })).toEqual(NO_DISCOUNT);
    });

    it("with its product changed to the line's", async () => {
      const line = buildLine({ productId: OTHER_PRODUCT, offer: withField(token, 1, otherProductField) });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("signed with another shop's key", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({}, OTHER_SHOP) });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("on a line of another product", async () => {
      const line = buildLine({ productId: OTHER_PRODUCT, offer: token });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("on a line that is not a product variant", async () => {
      const line: InputLine = {
        ...buildLine({ productId: PRODUCT, offer: token }),
        merchandise: { __typename: "CustomProduct" },
      };
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it.each([
      ["a field too few", token.split(".").slice(0, 12).join(".")],
      ["a segment that is not one letter", withField(token, 10, "vi")],
      ["a field too many", `${token}.x`],
      ["characters outside its alphabet", withField(token, 1, Number(PRODUCT).toString(36).toUpperCase())],
      ["a character that is not ASCII", withField(token, 7, "abcé1")],
      ["more than 96 characters", `${token}${"a".repeat(97 - token.length)}`],
      ["nothing at all", ""],
    ])("malformed, with %s", async (_case, offer) => {
      const line = buildLine({ productId: PRODUCT, offer });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("on another variant of the offered product, whose price the budget did not count", async () => {
      const line = buildLine({ productId: PRODUCT, offer: token, variantId: OTHER_VARIANT });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("when it names no variant, even signed with the shop's key", async () => {
      const body = withField(token, 2, "0").split(".").slice(0, 12).join(".");
      const mac = createHmac("sha256", KEY).update(body).digest().subarray(0, 12).toString("base64url");
      const line = buildLine({ productId: PRODUCT, offer: `${body}.${mac}` });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("of the earlier format with a segment added, which only the current format has", async () => {
      const body = withField(token, 0, "o3").split(".").slice(0, 12).join(".");
      const mac = createHmac("sha256", KEY).update(body).digest().subarray(0, 12).toString("base64url");
      const line = buildLine({ productId: PRODUCT, offer: `${body}.${mac}` });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("for a product id that is not a number", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ productId: "imported-123" }) });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });
  });

  describe("the percent", () => {
    it("is honoured up to the discount's maxPercent", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ discountPercent: 30 }) });
      expect(await run([line])).toEqual(discounted([line, 1, 30]));
    });

    it("gives nothing above it", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ discountPercent: 31 }) });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });

    it("gives nothing at 0", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ discountPercent: 0 }) });
      expect(await run([line])).toEqual(NO_DISCOUNT);
    });
  });

  describe("expiry, by the shop's local date", () => {
    it.each([
      ["the day before (a shop behind UTC)", "2026-07-14", true],
      ["the day it was served", "2026-07-15", true],
      ["the next day", "2026-07-16", true],
      ["two days later", "2026-07-17", false],
      ["a month later", "2026-08-15", false],
    ])("%s", async (_case, localDate, honoured) => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      expect(await run([line], { localDate })).toEqual(honoured ? discounted([line, 1, 10]) : NO_DISCOUNT);
    });

    it("gives nothing when the date is not a date", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      expect(await run([line], { localDate: "15/07/2026" })).toEqual(NO_DISCOUNT);
    });
  });

  describe("quantities", () => {
    it("gives two offers in one cart one candidate each", async () => {
      const first = buildLine({ productId: PRODUCT, offer: sign() });
      const plain = buildLine({ productId: "8123456789111" });
      const second = buildLine({
        productId: OTHER_PRODUCT,
        offer: sign({
          productId: OTHER_PRODUCT,
          variantId: variantOf(OTHER_PRODUCT),
          discountPercent: 15,
          surface: "thank-you",
        }),
      });
      expect(await run([first, plain, second])).toEqual(discounted([first, 1, 10], [second, 1, 15]));
    });

    it("caps a line's units at the offer's quantity", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ quantity: 2 }), quantity: 5 });
      expect(await run([line])).toEqual(discounted([line, 2, 10]));
    });

    it("discounts only the line's units when the offer covers more", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ quantity: 35 }), quantity: 3 });
      expect(await run([line])).toEqual(discounted([line, 3, 10]));
    });

    it("caps the total of an offer id copied onto several lines", async () => {
      const token = sign({ quantity: 3 });
      const lines = [1, 2, 3].map(() => buildLine({ productId: PRODUCT, offer: token, quantity: 2 }));
      expect(await run(lines)).toEqual(discounted([lines[0]!, 2, 10], [lines[1]!, 1, 10]));
    });
  });

  describe("gives nothing", () => {
    it("to a cart whose lines carry no offer", async () => {
      const lines = [buildLine({ productId: PRODUCT }), buildLine({ productId: OTHER_PRODUCT, quantity: 3 })];
      expect(await run(lines)).toEqual(NO_DISCOUNT);
    });

    it("to an empty cart", async () => {
      expect(await run([])).toEqual(NO_DISCOUNT);
    });

    it("while the month's budget is spent: the app sets maxPercent to 0", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign({ discountPercent: 1 }) });
      expect(await run([line], { config: { ...CONFIG, maxPercent: 0 } })).toEqual(NO_DISCOUNT);
    });

    it("when the discount has no metafield", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      expect(await run([line], { config: null })).toEqual(NO_DISCOUNT);
    });

    it.each([
      ["is not JSON", "{key:"],
      ["has no key", JSON.stringify({ maxPercent: 30 })],
      ["has a key in uppercase hex", JSON.stringify({ ...CONFIG, key: CONFIG.key.toUpperCase() })],
      ["has a short key", JSON.stringify({ ...CONFIG, key: CONFIG.key.slice(2) })],
      ["has no maxPercent", JSON.stringify({ key: CONFIG.key })],
      ["has maxPercent above 100", JSON.stringify({ ...CONFIG, maxPercent: 101 })],
      ["has a message that is not text", JSON.stringify({ ...CONFIG, message: 10 })],
    ])("when the discount's metafield %s", async (_case, config) => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      expect(await run([line], { config })).toEqual(NO_DISCOUNT);
    });

    it("when the discount's key is another shop's", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      const config = { ...CONFIG, key: shopOfferKey(OTHER_SHOP, SECRET).toString("hex") };
      expect(await run([line], { config })).toEqual(NO_DISCOUNT);
    });

    it("when the discount is not of the PRODUCT class", async () => {
      const line = buildLine({ productId: PRODUCT, offer: sign() });
      expect(await run([line], { discountClasses: ["ORDER", "SHIPPING"] })).toEqual(NO_DISCOUNT);
    });

    it.each([
      ["not JSON", "not json"],
      ["empty", ""],
      ["JSON of another shape", "[1, 2, 3]"],
    ])("when the input is %s", async (_case, input) => {
      expect(await runFunction(input)).toEqual(NO_DISCOUNT);
    });
  });
});
