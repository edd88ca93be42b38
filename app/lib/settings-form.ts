import type { z } from "zod";
import { SEGMENTS } from "./segments";
import { type OFFER_SURFACES, ShopSettingsSchema } from "./shop-settings";
import { resourceId } from "./shopify-ids";

/** Languages the settings form always offers a heading for; stored headings of others are kept. */
export const HEADING_LANGUAGES = [
  { code: "en", label: "English" },
  { code: "fr", label: "French" },
  { code: "de", label: "German" },
  { code: "es", label: "Spanish" },
] as const;

export const MAX_VARIANTS = 4;

/**
 * The shop's settings as the merchant may save them: the stored schema, plus rules that hold
 * between fields. Errors carry the path of the field they belong to.
 */
export const SettingsFormSchema = ShopSettingsSchema.superRefine((settings, ctx) => {
  const { discounts, experiment } = settings;
  if (discounts.defaultPercent > discounts.maxPercent) {
    ctx.addIssue({
      code: "custom",
      path: ["discounts", "defaultPercent"],
      message: "Must not be above the largest discount",
    });
  }
  const keys = new Set<string>();
  for (const [index, variant] of experiment.variants.entries()) {
    if (keys.has(variant.key)) {
      ctx.addIssue({
        code: "custom",
        path: ["experiment", "variants", index, "key"],
        message: "Each variant needs its own name",
      });
    }
    keys.add(variant.key);
  }
  const shares = experiment.variants.reduce((sum, variant) => sum + variant.share, 0);
  if (experiment.variants.length > 0 && Math.abs(shares - 100) > 1e-9) {
    ctx.addIssue({
      code: "custom",
      path: ["experiment", "variants"],
      message: `The variants' shares add up to ${shares}; they must add up to 100`,
    });
  }
});

type Form = Pick<FormData, "get" | "getAll" | "has">;

function text(form: Form, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** A number field; an empty or unreadable one becomes NaN, which the schema refuses by name. */
function number(form: Form, name: string): number | undefined {
  if (!form.has(name)) return undefined;
  const value = text(form, name);
  return value === "" ? Number.NaN : Number(value);
}

/** A checkbox, sent by the page as a hidden field ("on" or empty) so that unchecked is sent too. */
function checked(form: Form, name: string): boolean | undefined {
  if (!form.has(name)) return undefined;
  const value = form.get(name);
  return value === "on" || value === "true";
}

/** A number field that may be left empty: empty is null (follow the shop's setting). */
function optionalNumber(form: Form, name: string): number | null | undefined {
  if (!form.has(name)) return undefined;
  return text(form, name) === "" ? null : number(form, name);
}

/**
 * The segments' fields: a segment's form sends "segments.<segment>.sent", its offers checkbox, its
 * limits (empty: the shop's) and a message per language ("segments.<segment>.messages.<code>").
 */
function segmentsFromForm(form: Form & { keys(): Iterable<string> }): Record<string, unknown> | undefined {
  const segments: Record<string, unknown> = {};
  for (const segment of SEGMENTS) {
    const prefix = `segments.${segment}`;
    if (!form.has(`${prefix}.sent`)) continue;
    const messages: Record<string, string> = {};
    for (const name of new Set(form.keys())) {
      if (!name.startsWith(`${prefix}.messages.`)) continue;
      const message = text(form, name);
      if (message) messages[name.slice(`${prefix}.messages.`.length)] = message;
    }
    segments[segment] = {
      offers: checked(form, `${prefix}.offers`) ?? true,
      maxOffers: optionalNumber(form, `${prefix}.maxOffers`) ?? null,
      maxDiscountPercent: optionalNumber(form, `${prefix}.maxDiscountPercent`) ?? null,
      messages,
    };
  }
  return Object.keys(segments).length > 0 ? segments : undefined;
}

/** Ids typed one per line or separated by commas or spaces; Shopify gids are reduced to their number. */
function ids(form: Form, name: string, type: string): string[] | undefined {
  if (!form.has(name)) return undefined;
  const items = text(form, name)
    .split(/[\s,]+/)
    .filter(Boolean);
  return [...new Set(items.map((item) => resourceId(item, type) ?? item))];
}

/** Tags may hold spaces: they are separated by commas or lines. */
function tags(form: Form, name: string): string[] | undefined {
  if (!form.has(name)) return undefined;
  const items = text(form, name)
    .split(/[,\n]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
  return [...new Set(items)];
}

/** Drops the keys whose value is undefined (fields the form did not send), at every level. */
function sent<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The settings form's fields as the object ShopSettingsSchema reads; a field the form did not send
 * is left out, so the stored value stays. Nothing is validated here: the schema does that, so the
 * form and every other writer obey the same rules.
 */
export function settingsFromForm(form: Form & { keys(): Iterable<string> }): Record<string, unknown> {
  let headings: Record<string, string> | undefined;
  if (form.has("headingLanguages")) {
    headings = {};
    for (const code of form.getAll("headingLanguages")) {
      if (typeof code !== "string") continue;
      const heading = text(form, `headings.${code}`);
      if (heading) headings[code] = heading;
    }
  }
  const variants = form.has("experiment.variantCount")
    ? Array.from(
        { length: Math.min(Number(text(form, "experiment.variantCount")) || 0, MAX_VARIANTS + 1) },
        (_, index) => {
          const prefix = `experiment.variants.${index}`;
          return {
            key: text(form, `${prefix}.key`),
            share: number(form, `${prefix}.share`) ?? Number.NaN,
            ranking: text(form, `${prefix}.ranking`),
            discounts: checked(form, `${prefix}.discounts`) ?? false,
          };
        },
      )
    : undefined;
  // The surfaces are checkboxes too: "surfaces.sent" tells an empty choice from a form without them.
  const surfaces = form.has("surfaces.sent")
    ? form.getAll("surfaces").filter((value) => typeof value === "string" && value !== "")
    : undefined;
  return sent({
    enabled: checked(form, "enabled"),
    maxOffers: number(form, "maxOffers"),
    surfaces,
    headings,
    excludedProductIds: ids(form, "excludedProductIds", "Product"),
    excludedCollectionIds: ids(form, "excludedCollectionIds", "Collection"),
    excludedTags: tags(form, "excludedTags"),
    retrainAfterOrders: number(form, "retrainAfterOrders"),
    discounts: sent({
      enabled: checked(form, "discounts.enabled"),
      maxPercent: number(form, "discounts.maxPercent"),
      marginFloorPercent: number(form, "discounts.marginFloorPercent"),
      assumedCostPercent: number(form, "discounts.assumedCostPercent"),
      defaultPercent: number(form, "discounts.defaultPercent"),
      monthlyBudget: number(form, "discounts.monthlyBudget"),
      excludedProductIds: ids(form, "discounts.excludedProductIds", "Product"),
      excludedCollectionIds: ids(form, "discounts.excludedCollectionIds", "Collection"),
      combinesWithOrderDiscounts: checked(form, "discounts.combinesWithOrderDiscounts"),
    }),
    experiment: sent({ holdoutPercent: number(form, "experiment.holdoutPercent"), variants }),
    segments: segmentsFromForm(form),
  });
}

/** Field errors by dotted path ("discounts.maxPercent"), worded for the merchant; the first per field. */
export function settingsErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join(".");
    errors[fieldOf(path)] ??= describeIssue(issue, path);
  }
  return errors;
}

/** A problem inside a list (one id of many) is shown next to the list's field. */
function fieldOf(path: string): string {
  return path.replace(/^(excluded\w+|discounts\.excluded\w+|surfaces)\.\d+$/, "$1");
}

function describeIssue(issue: z.core.$ZodIssue, path: string): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return "Enter a whole number";
      return issue.expected === "number" ? "Enter a number" : "Enter a valid value";
    case "too_big":
      return issue.origin === "array"
        ? `At most ${issue.maximum} entries`
        : issue.origin === "string"
          ? `At most ${issue.maximum} characters`
          : `Must be at most ${issue.maximum}`;
    case "too_small":
      return `Must be at least ${issue.minimum}`;
    case "invalid_format":
      if (/Ids\.\d+$/.test(path)) return "Use numeric ids, such as 8123456789";
      if (path.includes("variants")) return "Use lower-case letters, digits and dashes (at most 32)";
      return "Not a valid value";
    case "not_multiple_of":
      return "Enter a whole number";
    case "invalid_value":
      return path.startsWith("surfaces") ? "Choose among the listed places" : "Choose one of the options";
    default:
      return issue.message;
  }
}

export const SURFACE_LABELS: Record<(typeof OFFER_SURFACES)[number], string> = {
  checkout: "Checkout (Shopify Plus)",
  "cart-line-list": "Order summary in checkout (Shopify Plus)",
  "thank-you": "Thank you page (every plan)",
  storefront: "Storefront pages through the app proxy (every plan)",
};
