/**
 * Fixed secrets for local runs where the environment sets none: every command (the demo, imports,
 * npm run offers, npm run models, and the server and worker the demo starts) then keys customers and
 * signs tokens alike, so what one command stored another finds. They are distinct from the
 * development defaults the production server refuses, and never apply in production, where a
 * missing secret must fail rather than fall back to one anybody can read here.
 */
export const LOCAL_SECRETS = {
  SHOPIFY_API_SECRET: "demo-api-secret-for-local-use-only",
  CUSTOMER_KEY_SECRET: "demo-customer-key-secret-for-local-use-only",
  SHOPIFY_API_KEY: "demo-api-key",
} as const;

if (process.env.NODE_ENV !== "production") {
  for (const [name, value] of Object.entries(LOCAL_SECRETS)) process.env[name] ??= value;
}
