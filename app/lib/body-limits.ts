/**
 * The largest request bodies the app takes, refused with 413 before they are read (server.mjs, for
 * every route) or as soon as they pass the limit while streaming.
 *
 * Webhooks: Shopify's largest payloads (an order with hundreds of lines) are around a megabyte;
 * 5 MB leaves room for those while an unsigned body costs at most a few milliseconds of hashing
 * before its 401. Everything else (the admin's forms, the checkout APIs, whose routes keep their own
 * tighter limits) is far under 1 MB.
 */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;

/** The limit of a request path. */
export function maxBodyBytes(path: string): number {
  return path === "/webhooks" || path.startsWith("/webhooks/") ? MAX_WEBHOOK_BODY_BYTES : MAX_BODY_BYTES;
}
