import { HEADING_LANGUAGES } from "~/lib/settings-form";
import type { ShopSettings } from "~/lib/shop-settings";

export interface VariantDraft {
  key: string;
  share: string;
  ranking: string;
  discounts: boolean;
}

/** The form's state: text as typed, so a half-typed number is never rewritten under the cursor. */
export function draftOf(settings: ShopSettings) {
  const languages = [
    ...HEADING_LANGUAGES.map((language) => language.code as string),
    ...Object.keys(settings.headings).filter((code) => !HEADING_LANGUAGES.some((l) => l.code === code)),
  ];
  return {
    text: {
      maxOffers: String(settings.maxOffers),
      retrainAfterOrders: String(settings.retrainAfterOrders),
      excludedProductIds: settings.excludedProductIds.join("\n"),
      excludedCollectionIds: settings.excludedCollectionIds.join("\n"),
      excludedTags: settings.excludedTags.join(", "),
      "discounts.maxPercent": String(settings.discounts.maxPercent),
      "discounts.marginFloorPercent": String(settings.discounts.marginFloorPercent),
      "discounts.assumedCostPercent": String(settings.discounts.assumedCostPercent),
      "discounts.defaultPercent": String(settings.discounts.defaultPercent),
      "discounts.monthlyBudget": String(settings.discounts.monthlyBudget),
      "discounts.excludedProductIds": settings.discounts.excludedProductIds.join("\n"),
      "discounts.excludedCollectionIds": settings.discounts.excludedCollectionIds.join("\n"),
      "experiment.holdoutPercent": String(settings.experiment.holdoutPercent),
      ...Object.fromEntries(languages.map((code) => [`headings.${code}`, settings.headings[code] ?? ""])),
    } as Record<string, string>,
    checks: {
      enabled: settings.enabled,
      "discounts.enabled": settings.discounts.enabled,
      "discounts.combinesWithOrderDiscounts": settings.discounts.combinesWithOrderDiscounts,
    } as Record<string, boolean>,
    surfaces: [...settings.surfaces] as string[],
    languages,
    variants: settings.experiment.variants.map(
      (variant): VariantDraft => ({ ...variant, share: String(variant.share) }),
    ),
  };
}

export type SettingsDraft = ReturnType<typeof draftOf>;
