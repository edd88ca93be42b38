/** Why a checkout gets no offers, most fundamental first: the first that applies is the reason. */
export const NO_OFFERS_REASONS = [
  "app-off",
  "checkout-off",
  "segment-off",
  "no-offerable-products",
  "nothing-to-rank",
  "all-excluded",
  "nothing-offerable-ranked",
] as const;
export type NoOffersReason = (typeof NO_OFFERS_REASONS)[number];

export interface NoOffersExplanation {
  reason: NoOffersReason;
  heading: string;
  /** what is the matter, and what the merchant can do about it */
  detail: string;
  /** the app page where it is done, if any */
  action: { label: string; path: string } | null;
}

const SETTINGS = { label: "Open Settings", path: "/app/settings" };
const HOME = { label: "Go to the home page", path: "/app" };
const SEGMENTS = { label: "Open Segments", path: "/app/segments" };

const EXPLANATIONS: Record<NoOffersReason, Omit<NoOffersExplanation, "reason">> = {
  "app-off": {
    heading: "The app is turned off",
    detail: "No shopper sees offers while it is off. Turn it on in Settings.",
    action: SETTINGS,
  },
  "checkout-off": {
    heading: "Offers in checkout are turned off",
    detail:
      "The checkout is not among the surfaces chosen in Settings. Tick it there to show offers in checkout.",
    action: SETTINGS,
  },
  "segment-off": {
    heading: "Offers are turned off for this shopper's segment",
    detail:
      "This shopper's segment is set to see no offers. Turn offers on for it in Segments, or preview a shopper of another segment.",
    action: SEGMENTS,
  },
  "no-offerable-products": {
    heading: "No product can be offered yet",
    detail:
      "An offer needs an active product in stock with a priced variant, and the shop has none the app knows of. Import your products from the home page, and check in Shopify that products are active, in stock and priced.",
    action: HOME,
  },
  "nothing-to-rank": {
    heading: "Nothing to rank offers by yet",
    detail:
      "There is no trained model yet, and no recent orders of products on sale to offer the most popular ones instead. Import your order history from the home page; a model trains once there are enough orders.",
    action: HOME,
  },
  "all-excluded": {
    heading: "Your exclusions leave nothing to offer",
    detail:
      "Every product ranked for this checkout is excluded in Settings, by product, collection or tag. Review the exclusions there, or preview another cart.",
    action: SETTINGS,
  },
  "nothing-offerable-ranked": {
    heading: "None of the ranked products can be offered",
    detail:
      "The products ranked for this checkout are already in the cart, drafts, sold out or without a price. Preview another cart, or check those products in Shopify.",
    action: null,
  },
};

export function explainNoOffers(reason: NoOffersReason): NoOffersExplanation {
  return { reason, ...EXPLANATIONS[reason] };
}
