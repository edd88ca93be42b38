export const SURFACE_NAMES: Record<string, string> = {
  checkout: "Checkout",
  "cart-line-list": "Order summary",
  "thank-you": "Thank you page",
  storefront: "Storefront",
};

export const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
