import { defineProject } from "vitest/config";

export default defineProject({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    name: "checkout-upsell",
    // Pure helpers run in Node; the extension's tests ask for jsdom themselves.
    include: ["src/**/*.test.ts", "tests/**/*.test.{ts,tsx}"],
    setupFiles: ["tests/setup.ts"],
    // What Shopify CLI would compile in; the tests' fake app answers there.
    env: { APP_URL: "https://upsell-app.test" },
    // The tester imports the extension's modules itself: let Vite transform them.
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
  },
});
