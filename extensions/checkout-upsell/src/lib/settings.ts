/** What the merchant sets in the checkout editor (see shopify.extension.toml). */
export interface UpsellSettings {
  /** null: the translated default heading */
  heading: string | null;
  offerCount: number;
}

export const DEFAULT_OFFER_COUNT = 2;
export const MAX_OFFER_COUNT = 4;

/** Settings are empty until the merchant fills them in, so every value has a default. */
export function readSettings(
  settings: Record<string, string | number | boolean | undefined>,
): UpsellSettings {
  const heading = typeof settings.heading === "string" ? settings.heading.trim() : "";
  const raw = settings.offer_count;
  const count =
    typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() ? Number(raw) : Number.NaN;
  return {
    heading: heading || null,
    offerCount: Number.isInteger(count) ? Math.min(Math.max(count, 1), MAX_OFFER_COUNT) : DEFAULT_OFFER_COUNT,
  };
}
