import { z } from "zod";

/** A shop's settings. Stored as JSON; every read and write goes through this schema. */
export const ShopSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  maxOffers: z.number().int().min(1).max(10).default(3),
  excludedProductIds: z
    .array(z.string().regex(/^[\w-]+$/))
    .max(5000)
    .default([]),
  /** Retrain after this many new orders (the recommendation engine's trigger). */
  retrainAfterOrders: z.number().int().min(10).max(1_000_000).default(500),
});
export type ShopSettings = z.infer<typeof ShopSettingsSchema>;

/** Stored settings with defaults filled in; unreadable stored values fall back to defaults field by field. */
export function readShopSettings(stored: unknown): ShopSettings {
  const parsed = ShopSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const defaults = ShopSettingsSchema.parse({});
  const record = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof ShopSettings>) {
    const field = ShopSettingsSchema.shape[key].safeParse(record[key]);
    if (field.success) merged[key] = field.data;
  }
  return ShopSettingsSchema.parse(merged);
}
