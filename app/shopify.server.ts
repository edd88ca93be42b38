import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "./db.server";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { startHistoryImport } from "./services/start-history-import.server";
import { requestOfferDiscountSyncAtInstall } from "./services/sync-offer-discount.server";

export const API_VERSION = ApiVersion.October26;

/**
 * The library writes an info line for every authenticated request (every checkout asking for
 * offers): it speaks at info only when we debug, and otherwise reports warnings and errors.
 */
function librarySeverity(nodeEnv: string, level: string): LogSeverity {
  if (nodeEnv === "test") return LogSeverity.Error;
  if (level === "debug" || level === "trace") return LogSeverity.Debug;
  if (level === "info" || level === "warn") return LogSeverity.Warning;
  return LogSeverity.Error;
}

function createApp() {
  const config = env();
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes: config.SCOPES.split(",").map((scope) => scope.trim()),
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    logger: { level: librarySeverity(config.NODE_ENV, config.LOG_LEVEL) },
    sessionStorage: new PrismaSessionStorage(db()),
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ session }) => {
        const started = await startHistoryImport(db(), { shopDomain: session.shop, onlyIfFresh: true });
        if (started) logger().info({ shop: session.shop, importRunId: started.id }, "history import queued");
        await requestOfferDiscountSyncAtInstall(db(), session.shop);
      },
    },
  });
}

let app: ReturnType<typeof createApp> | undefined;

/** The Shopify app, created on first use (importing this module connects to nothing). */
export function shopify() {
  app ??= createApp();
  return app;
}
