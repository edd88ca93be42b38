import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, expect, vi } from "vitest";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY = API_KEY;
process.env.SHOPIFY_API_SECRET = API_SECRET_KEY;
process.env.SHOPIFY_APP_URL = "https://my-test-app.myshopify.io";
process.env.CUSTOMER_KEY_SECRET = "test-customer-key-secret";

// An unexpected console.error fails the test that caused it.
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  expect(errors, "console.error was called").toEqual([]);
});
