/** "gid://shopify/Order/123" or 123 or "123" -> "123". Returns null for anything else. */
export function numericId(value: unknown): string | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  if (typeof value !== "string") return null;
  const match = /^(?:gid:\/\/shopify\/[A-Za-z]+\/)?(\d+)(?:\?.*)?$/.exec(value.trim());
  return match ? match[1]! : null;
}

/** A shop's permanent domain, lower-cased; null when it is not a *.myshopify.com domain. */
export function normalizeShopDomain(value: string): string | null {
  const domain = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "");
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain) ? domain : null;
}

/** "gid://shopify/<type>/123" or "123" -> "123"; null for anything else, a gid of another type included. */
export function resourceId(value: unknown, type: string): string | null {
  if (typeof value !== "string") return null;
  const match = /^(?:gid:\/\/shopify\/([A-Za-z]+)\/)?(\d{1,19})$/.exec(value.trim());
  if (!match || (match[1] !== undefined && match[1] !== type)) return null;
  return /^0+$/.test(match[2]!) ? null : match[2]!;
}

/** "123" -> "gid://shopify/<type>/123" */
export function gid(type: string, id: string): string {
  return `gid://shopify/${type}/${id}`;
}
