/**
 * Why an offer is shown, from its strongest signal. The app words it in the shopper's language
 * (app/lib/reason-text.ts), from the kind and the cart product it names.
 */
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
