/** Why an offer is shown, from its strongest signal, and the words the shopper sees. */
export type Reason =
  | { kind: "bought-with"; product: number }
  | { kind: "similar"; product: number }
  | { kind: "bought-before" }
  | { kind: "your-taste" }
  | { kind: "popular" };

export interface Offer {
  product: number;
  score: number;
  reason: Reason;
}

/** Human-readable reason for an offer. */
export function describeReason(reason: Reason, titles: readonly string[]): string {
  switch (reason.kind) {
    case "bought-with":
      return `Often bought with ${titles[reason.product] ?? "your cart"}`;
    case "similar":
      return `Goes with ${titles[reason.product] ?? "your cart"}`;
    case "bought-before":
      return "You bought this before";
    case "your-taste":
      return "Popular with customers like you";
    case "popular":
      return "Popular right now";
  }
}
