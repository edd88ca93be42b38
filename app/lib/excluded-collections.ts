import type { ShopSettings } from "./shop-settings";

/** Every collection the settings exclude, from offers or from discounts, sorted and once each. */
export function excludedCollectionIds(settings: ShopSettings): string[] {
  return [
    ...new Set([...settings.excludedCollectionIds, ...settings.discounts.excludedCollectionIds]),
  ].sort();
}
