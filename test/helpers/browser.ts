import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = "test/browser/screenshots";

/** A desktop Chrome: the app answers headless user agents, as bots, with 410. */
const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/**
 * App Bridge comes from Shopify's CDN and runs only inside the admin. Outside it, this stand-in
 * provides the little the pages call (toasts); session tokens travel in the address instead.
 */
const APP_BRIDGE_STAND_IN = `window.shopify = { toast: { show() {} }, loading() {} };`;

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface TestPage {
  page: Page;
  /** console errors and uncaught exceptions seen so far */
  errors: string[];
}

/**
 * Opens a tab. `appBridge` replaces the stand-in's script, to play App Bridge as it runs inside the
 * Shopify admin (its `environment`, its resource picker).
 */
export async function openPage(
  browser: Browser,
  { appBridge }: { appBridge?: string } = {},
): Promise<TestPage> {
  const context = await browser.newContext({
    userAgent: DESKTOP_CHROME,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await context.route("https://cdn.shopify.com/**", (route) =>
    route.request().url().endsWith("app-bridge.js")
      ? route.fulfill({ contentType: "text/javascript", body: appBridge ?? APP_BRIDGE_STAND_IN })
      : route.fulfill({ status: 404, body: "" }),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

export interface LoadTime {
  page: string;
  /** from navigation start to the end of the last request (network idle) */
  idleMs: number;
  domContentLoadedMs: number;
}

/**
 * Opens a page and measures it: navigation start to the end of its last request, read from the
 * page's own performance entries once the network has been idle (Playwright's networkidle waits
 * 500 ms of quiet, which is not part of the load).
 */
export async function timedGoto(page: Page, name: string, url: string): Promise<LoadTime> {
  await page.goto(url, { waitUntil: "networkidle" });
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    return {
      // The status polls that start later are the page watching, not loading.
      idle: Math.max(
        navigation.loadEventEnd,
        ...resources.filter((r) => !r.name.includes("/app/status")).map((r) => r.responseEnd),
      ),
      domContentLoaded: navigation.domContentLoadedEventEnd,
    };
  });
  return {
    page: name,
    idleMs: Math.round(timing.idle),
    domContentLoadedMs: Math.round(timing.domContentLoaded),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
