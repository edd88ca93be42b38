import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SECRETS } from "~/cli/local-secrets";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { customerKey } from "~/lib/customer-key.server";
import { signSessionToken } from "~/lib/session-token.server";
import { HISTORY_SHOP } from "~/services/seed-demo-shop.server";
import { type AppServer, ensureBuild, startAppServer } from "../helpers/app-server";
import { chromiumAvailable, launchBrowser, openPage, screenshot, type TestPage } from "../helpers/browser";
import { GIFT_SHOP_HISTORY, runCommand } from "../helpers/cli";
import { isolateIntegration } from "../helpers/integration";

/** A returning customer of the fixture. */
const CUSTOMER = "12452";

describe.skipIf(!chromiumAvailable())("the preview of a shop whose history comes from a file", () => {
  const context = isolateIntegration();
  let server: AppServer;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let embedded: string;

  beforeAll(async () => {
    ensureBuild();
    const demo = runCommand(context, "app/cli/demo.ts", ["--file", GIFT_SHOP_HISTORY, "--no-serve"]);
    expect(demo.status, demo.stderr).toBe(0);
    server = await startAppServer({
      DATABASE_URL: context.databaseUrl,
      REDIS_URL: context.redisUrl,
      QUEUE_PREFIX: context.queuePrefix,
    });
    const token = signSessionToken({
      shop: HISTORY_SHOP,
      apiKey: env().SHOPIFY_API_KEY,
      secret: env().SHOPIFY_API_SECRET,
      ttlSeconds: 3_600,
    });
    const host = Buffer.from("admin.shopify.com/store/demo-history").toString("base64url");
    embedded = `embedded=1&shop=${HISTORY_SHOP}&host=${host}&id_token=${token}`;
    browser = await launchBrowser();
    tab = await openPage(browser);
    page = tab.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows a known customer the model's offers, with reasons and prices from the file", async () => {
    // The demo keyed the file's customers with the local secret.
    const key = customerKey(HISTORY_SHOP, CUSTOMER, LOCAL_SECRETS.CUSTOMER_KEY_SECRET);
    const [last] = await db().order.findMany({
      where: { shop: { domain: HISTORY_SHOP }, customerKey: key },
      orderBy: { orderedAt: "desc" },
      include: { lines: { orderBy: { id: "asc" } } },
      take: 1,
    });
    const cart = last!.lines[0]!.productId!;
    await page.goto(`${server.url}/app/preview?customer=${key}&cart=${cart}&${embedded}`, {
      waitUntil: "networkidle",
    });
    expect(await page.getByText("No offers for this checkout").count()).toBe(0);
    expect(await page.getByText(/^Model v1$/).count()).toBe(1);
    // Each offer says why, in the shopper's words, and carries the price of its latest order line.
    expect(
      await page.getByText(/^(Often bought with|Goes with|You bought this before|Popular with)/).count(),
    ).toBeGreaterThan(0);
    expect(await page.getByText(/\d+\.\d{2}/).count()).toBeGreaterThan(0);
    // The customer's purchases, from the file's dates.
    expect(await page.getByText(/2011/).count()).toBeGreaterThan(0);
    await screenshot(page, "file-history-preview");
    expect(tab.errors).toEqual([]);
  });
});
