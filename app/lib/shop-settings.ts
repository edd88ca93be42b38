import { z } from "zod";
import { SegmentSchema } from "./segments";

export const OFFER_SURFACES = ["checkout", "cart-line-list", "thank-you", "storefront"] as const;
export const OfferSurfaceSchema = z.enum(OFFER_SURFACES);
export type OfferSurface = z.infer<typeof OfferSurfaceSchema>;

const ShopifyNumericIdSchema = z.string().regex(/^\d+$/);

export const DiscountSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  maxPercent: z.number().int().min(0).max(50).default(15),
  marginFloorPercent: z.number().min(0).max(95).default(20),
  /** Cost as a share of price, for products whose cost the shop has not entered. */
  assumedCostPercent: z.number().min(0).max(100).default(50),
  defaultPercent: z.number().int().min(0).max(50).default(0),
  monthlyBudget: z.number().min(0).max(1_000_000).default(0),
  excludedProductIds: z.array(ShopifyNumericIdSchema).max(5000).default([]),
  excludedCollectionIds: z.array(ShopifyNumericIdSchema).max(1000).default([]),
  combinesWithOrderDiscounts: z.boolean().default(false),
});
export type DiscountSettings = z.infer<typeof DiscountSettingsSchema>;

export const ExperimentVariantSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]{1,32}$/),
  share: z.number().min(0).max(100),
  ranking: z.enum(["model", "popularity"]),
  discounts: z.boolean(),
});
export type ExperimentVariant = z.infer<typeof ExperimentVariantSchema>;

export const ExperimentSettingsSchema = z.object({
  holdoutPercent: z.number().min(0).max(50).default(10),
  variants: z.array(ExperimentVariantSchema).max(4).default([]),
});
export type ExperimentSettings = z.infer<typeof ExperimentSettingsSchema>;

const LanguageCodeSchema = z.string().regex(/^[a-z]{2}$/);

/** How a segment's shoppers are treated; null fields follow the shop's own settings. */
export const SegmentSettingsSchema = z.object({
  offers: z.boolean().default(true),
  maxOffers: z.number().int().min(1).max(10).nullable().default(null),
  /** at most the shop's largest discount: a segment can only lower it */
  maxDiscountPercent: z.number().int().min(0).max(50).nullable().default(null),
  /** a short message above the offers, per two-letter language code */
  messages: z.record(LanguageCodeSchema, z.string().max(120)).default({}),
});
export type SegmentSettings = z.infer<typeof SegmentSettingsSchema>;

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
  surfaces: z.array(OfferSurfaceSchema).default([...OFFER_SURFACES]),
  /** The offers' heading per two-letter language code; a missing language uses the extension's own. */
  headings: z.record(LanguageCodeSchema, z.string().max(80)).default({}),
  excludedCollectionIds: z.array(ShopifyNumericIdSchema).max(1000).default([]),
  excludedTags: z.array(z.string().max(255)).max(200).default([]),
  discounts: DiscountSettingsSchema.default(() => DiscountSettingsSchema.parse({})),
  experiment: ExperimentSettingsSchema.default(() => ExperimentSettingsSchema.parse({})),
  /** per segment, where the merchant changed its treatment */
  segments: z.partialRecord(SegmentSchema, SegmentSettingsSchema).default({}),
});
export type ShopSettings = z.infer<typeof ShopSettingsSchema>;

/** Stored settings with defaults filled in; unreadable stored values fall back to defaults field by field. */
export function readShopSettings(stored: unknown): ShopSettings {
  return readObject(ShopSettingsSchema, stored);
}

function readObject<Schema extends z.ZodObject>(schema: Schema, stored: unknown): z.output<Schema> {
  const parsed = schema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const record = isRecord(stored) ? stored : {};
  const merged: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
    const nested = objectInside(field);
    if (nested && isRecord(record[key])) {
      merged[key] = readObject(nested, record[key]);
      continue;
    }
    const value = field.safeParse(record[key]);
    merged[key] = value.success ? value.data : field.parse(undefined);
  }
  return schema.parse(merged);
}

/** The object schema behind a field such as `DiscountSettingsSchema.default(...)`, if there is one. */
function objectInside(field: z.ZodType): z.ZodObject | undefined {
  if (field instanceof z.ZodDefault) return objectInside(field.unwrap() as z.ZodType);
  return field instanceof z.ZodObject ? field : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
