import { describe, expect, it } from "vitest";
import { reasonText } from "./reason-text";

describe("reasonText", () => {
  it("words a reason in the checkout's language, naming the cart product", () => {
    const offer = { reasonKind: "bought-with", reasonProductTitle: "Pour-over kettle" } as const;
    expect(reasonText(offer, "fr-CA")).toBe("Souvent acheté avec Pour-over kettle");
    expect(reasonText(offer, "en")).toBe("Often bought with Pour-over kettle");
  });

  it("falls back to English for other languages and to 'your cart' without a title", () => {
    expect(reasonText({ reasonKind: "popular", reasonProductTitle: null }, "de")).toBe("Popular right now");
    expect(reasonText({ reasonKind: "similar", reasonProductTitle: null }, "fr")).toBe(
      "Va bien avec votre panier",
    );
  });
});
