import { describe, expect, it } from "vitest";
import { normalizeTopic, normalizeWebhook } from "./webhook-events";

const hash = (id: string) => `h(${id})`;
const SHOP = "shop.myshopify.com";

describe("normalizeTopic", () => {
  it("accepts both the REST and the enum spelling, and nothing else", () => {
    expect(normalizeTopic("orders/create")).toBe("ORDERS_CREATE");
    expect(normalizeTopic("CUSTOMERS_DATA_REQUEST")).toBe("CUSTOMERS_DATA_REQUEST");
    expect(normalizeTopic("orders/bogus")).toBeNull();
  });
});

describe("normalizeWebhook", () => {
  const order = {
    id: 1,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    customer: { id: 9, email: "a@b.c", first_name: "A" },
    email: "a@b.c",
    line_items: [
      {
        id: 2,
        product_id: 3,
        variant_id: null,
        quantity: 3,
        current_quantity: 1,
        price: "5.00",
        properties: [
          { name: "_upsell_offer", value: "off_1" },
          { name: "Engraving", value: "private text" },
        ],
      },
    ],
  };

  it("keeps the customer only as a hash and only our own line property", () => {
    const result = normalizeWebhook({ topic: "ORDERS_CREATE", payload: order, shopDomain: SHOP, hash });
    expect(result.ok && result.event).toEqual({
      kind: "order",
      order: expect.objectContaining({
        externalId: "1",
        customerKey: "h(9)",
        lines: [
          expect.objectContaining({ productId: "3", quantity: 3, currentQuantity: 1, offerId: "off_1" }),
        ],
      }),
    });
    expect(JSON.stringify(result)).not.toMatch(/a@b\.c|private text|"A"/);
  });

  it("names the field that is wrong", () => {
    const result = normalizeWebhook({
      topic: "ORDERS_UPDATED",
      payload: { ...order, line_items: [{ id: 2, quantity: -1 }] },
      shopDomain: SHOP,
      hash,
    });
    expect(result).toEqual({ ok: false, error: expect.stringContaining("line_items.0.quantity") });
  });

  it("reads product availability from inventory tracking", () => {
    const result = normalizeWebhook({
      topic: "PRODUCTS_UPDATE",
      payload: {
        id: 5,
        title: "T",
        status: "archived",
        tags: "a, b ,",
        variants: [
          {
            id: 6,
            price: "2.00",
            inventory_management: "shopify",
            inventory_quantity: 0,
            inventory_policy: "deny",
          },
        ],
      },
      shopDomain: SHOP,
      hash,
    });
    expect(result.ok && result.event).toMatchObject({
      kind: "product",
      product: { status: "ARCHIVED", available: false, tags: ["a", "b"], price: "2.00" },
    });
  });
});

describe("normalizeWebhook trusts a body only for its own topic and shop", () => {
  const normalize = (topic: Parameters<typeof normalizeWebhook>[0]["topic"], payload: unknown) =>
    normalizeWebhook({ topic, payload, shopDomain: SHOP, hash });

  it("refuses a compliance or uninstall body that names another shop, whatever its case", () => {
    expect(normalize("SHOP_REDACT", { shop_id: 1, shop_domain: "Shop.MyShopify.com" }).ok).toBe(true);
    expect(normalize("SHOP_REDACT", { shop_id: 1, shop_domain: "other.myshopify.com" })).toEqual({
      ok: false,
      error: expect.stringContaining("another shop"),
    });
    expect(
      normalize("APP_UNINSTALLED", { id: 1, domain: "x.com", myshopify_domain: "other.myshopify.com" }).ok,
    ).toBe(false);
  });

  it("tells the compliance bodies apart", () => {
    const redact = { shop_id: 1, shop_domain: SHOP, customer: { id: 2 }, orders_to_redact: [3] };
    const request = { shop_id: 1, shop_domain: SHOP, customer: { id: 2 }, orders_requested: [3] };
    expect(normalize("CUSTOMERS_REDACT", redact).ok).toBe(true);
    expect(normalize("CUSTOMERS_DATA_REQUEST", request).ok).toBe(true);
    expect(normalize("SHOP_REDACT", redact).ok).toBe(false);
    expect(normalize("CUSTOMERS_REDACT", request).ok).toBe(false);
    expect(normalize("CUSTOMERS_DATA_REQUEST", redact).ok).toBe(false);
  });

  it("takes products/delete as the id alone", () => {
    expect(normalize("PRODUCTS_DELETE", { id: 5 }).ok).toBe(true);
    expect(normalize("PRODUCTS_DELETE", { id: 5, title: "T", variants: [] }).ok).toBe(false);
  });
});

describe("normalizeWebhook reads costs and discounts", () => {
  const normalize = (topic: Parameters<typeof normalizeWebhook>[0]["topic"], payload: unknown) =>
    normalizeWebhook({ topic, payload, shopDomain: SHOP, hash });
  /** An inventory_items/update body as Shopify sends it (REST shape). */
  const item = (overrides: Record<string, unknown> = {}) => ({
    id: 45_123_456_789,
    sku: "KETTLE-1",
    created_at: "2026-10-01T09:00:00-04:00",
    updated_at: "2026-11-02T10:30:00-04:00",
    requires_shipping: true,
    cost: "11.25",
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    tracked: true,
    country_harmonized_system_codes: [],
    admin_graphql_api_id: "gid://shopify/InventoryItem/45123456789",
    ...overrides,
  });

  it("reduces an inventory item to its id, cost and time, on create and on update", () => {
    for (const topic of ["INVENTORY_ITEMS_CREATE", "INVENTORY_ITEMS_UPDATE"] as const) {
      expect(normalize(topic, item())).toEqual({
        ok: true,
        event: {
          kind: "inventory-cost",
          cost: { inventoryItemId: "45123456789", unitCost: "11.25", updatedAt: "2026-11-02T10:30:00-04:00" },
        },
      });
    }
    // No cost entered: Shopify sends null, which says so.
    expect(normalize("INVENTORY_ITEMS_UPDATE", item({ cost: null }))).toMatchObject({
      ok: true,
      event: { cost: { unitCost: null } },
    });
  });

  it("refuses a cost that is negative, not a number or too large to be one, and a body without cost or time", () => {
    for (const cost of ["-1.00", "12,50", "abc", "1e3", "NaN", "", "10000000000.00"]) {
      expect(normalize("INVENTORY_ITEMS_UPDATE", item({ cost }))).toEqual({
        ok: false,
        error: expect.stringContaining("cost"),
      });
    }
    expect(normalize("INVENTORY_ITEMS_UPDATE", item({ cost: undefined })).ok).toBe(false);
    expect(normalize("INVENTORY_ITEMS_UPDATE", item({ updated_at: undefined })).ok).toBe(false);
    expect(
      normalize("INVENTORY_ITEMS_UPDATE", item({ admin_graphql_api_id: "gid://shopify/Product/45123456789" }))
        .ok,
    ).toBe(false);
  });

  it("tells an inventory item's body from a product's and an order's", () => {
    const product = { id: 5, title: "T", variants: [{ id: 6, price: "2.00", inventory_item_id: 7 }] };
    expect(
      normalize("INVENTORY_ITEMS_UPDATE", { ...product, cost: "1.00", updated_at: item().updated_at }).ok,
    ).toBe(false);
    expect(normalize("PRODUCTS_UPDATE", item()).ok).toBe(false);
  });

  it("keeps a variant's inventory item, and an order's total discounts", () => {
    const product = normalize("PRODUCTS_UPDATE", {
      id: 5,
      title: "T",
      variants: [
        { id: 6, price: "2.00", inventory_item_id: 7 },
        { id: 8, price: "3.00", inventory_item_id: null },
      ],
    });
    expect(product.ok && product.event.kind === "product" && product.event.product.variants).toEqual([
      expect.objectContaining({ externalId: "6", inventoryItemId: "7" }),
      expect.objectContaining({ externalId: "8", inventoryItemId: null }),
    ]);
    const order = {
      id: 1,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      total_discounts: "5.40",
      line_items: [],
    };
    expect(normalize("ORDERS_UPDATED", order)).toMatchObject({
      ok: true,
      event: { order: { totalDiscounts: "5.40" } },
    });
    expect(normalize("ORDERS_CREATE", { ...order, total_discounts: "five" }).ok).toBe(false);
  });
});
