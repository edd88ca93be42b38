import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch } from "~/models/products.server";
import { ensureShop, markInstalled } from "~/models/shops.server";
import { action } from "~/routes/webhooks.$";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { processDelivery } from "~/services/process-webhook.server";
import { webhookFixture } from "../fixtures/webhooks";
import { buildOrder, buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { TEST_SHOP, webhookRequest } from "../helpers/shopify";

isolateIntegration();

type Body = Record<string, unknown>;

interface Post {
  shop?: string;
  eventId?: string;
  triggeredAt?: Date;
}

/** Posts a signed webhook through the route; Shopify signs the body only, so the headers are ours to pick. */
async function post(topic: string, payload: unknown, { shop = TEST_SHOP, eventId, triggeredAt }: Post = {}) {
  const id = eventId ?? crypto.randomUUID();
  const response = await callRoute(
    action,
    webhookRequest({ topic, payload, shop, eventId: id, triggeredAt }),
  );
  return { response, eventId: id };
}

/** Posts, then processes the delivery as the ingest worker does; returns the delivery row. */
async function deliver(topic: string, payload: unknown, options: Post = {}) {
  const { response, eventId } = await post(topic, payload, options);
  expect(response.status).toBe(200);
  const recorded = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
  if (recorded.status === "pending")
    await processDelivery(db(), { deliveryId: recorded.id, finalAttempt: false });
  return db().webhookDelivery.findUniqueOrThrow({ where: { id: recorded.id } });
}

function order(overrides: Body = {}): Body {
  return { ...webhookFixture("orders-create"), ...overrides };
}

/** A shop with 20 orders and a product, stored directly. */
async function seedShop(domain: string, idBase: number) {
  const shop = await ensureShop(db(), domain);
  await upsertOrderBatch(db(), {
    shopId: shop.id,
    source: "shopify",
    orders: Array.from({ length: 20 }, (_, i) =>
      buildOrder({ externalId: String(idBase + i), lines: [{ productId: String(idBase) }] }),
    ),
  });
  await upsertProductBatch(db(), {
    shopId: shop.id,
    products: [buildProduct({ externalId: String(idBase) })],
    replaceVariants: true,
  });
  return shop;
}

async function counts(domain: string) {
  const shop = await db().shop.findUnique({ where: { domain } });
  return {
    shops: shop ? 1 : 0,
    orders: shop ? await db().order.count({ where: { shopId: shop.id } }) : 0,
    products: shop ? await db().product.count({ where: { shopId: shop.id } }) : 0,
  };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("a signed body is trusted only for its own topic and shop", () => {
  it("a customers/redact body resent as shop/redact for another shop erases nothing", async () => {
    await seedShop("victim-one.myshopify.com", 91_000);
    const delivery = await deliver("shop/redact", webhookFixture("customers-redact"), {
      shop: "victim-one.myshopify.com",
    });
    expect(delivery.status).toBe("rejected");
    expect(await counts("victim-one.myshopify.com")).toEqual({ shops: 1, orders: 20, products: 1 });
  });

  it("a shop/redact body of one shop resent under another shop's domain erases nothing", async () => {
    await seedShop("victim-two.myshopify.com", 92_000);
    const delivery = await deliver("shop/redact", webhookFixture("shop-redact"), {
      shop: "victim-two.myshopify.com",
    });
    expect(delivery.status).toBe("rejected");
    expect(await counts("victim-two.myshopify.com")).toEqual({ shops: 1, orders: 20, products: 1 });
  });

  it("an orders/create body resent as app/uninstalled for another shop leaves it installed", async () => {
    await seedShop("victim-three.myshopify.com", 93_000);
    const delivery = await deliver("app/uninstalled", order({ id: 93_999 }), {
      shop: "victim-three.myshopify.com",
    });
    expect(delivery.status).toBe("rejected");
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: "victim-three.myshopify.com" } });
    expect(shop.uninstalledAt).toBeNull();
  });

  it("another shop's app/uninstalled body does not uninstall this shop", async () => {
    await seedShop("victim-four.myshopify.com", 94_000);
    const body = { id: 954889, domain: TEST_SHOP, myshopify_domain: TEST_SHOP, name: "Test shop" };
    const delivery = await deliver("app/uninstalled", body, { shop: "victim-four.myshopify.com" });
    expect(delivery.status).toBe("rejected");
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: "victim-four.myshopify.com" } });
    expect(shop.uninstalledAt).toBeNull();
  });

  it("an order delivered for one shop cannot be replayed into another", async () => {
    const body = order({ id: 95_001 });
    expect((await deliver("orders/create", body)).status).toBe("processed");
    const replay = await deliver("orders/updated", body, { shop: "victim-five.myshopify.com" });
    expect(replay.status).toBe("rejected");
    expect(await counts("victim-five.myshopify.com")).toMatchObject({ orders: 0 });
  });

  it("a product or refund delivered for one shop cannot be replayed into another", async () => {
    const product = { ...webhookFixture("products-update"), id: 95_101 };
    expect((await deliver("products/update", product)).status).toBe("processed");
    expect((await deliver("orders/create", order({ id: 95_102 }))).status).toBe("processed");
    const refund = { ...webhookFixture("refunds-create"), id: 95_103, order_id: 95_102 };
    const replays = [
      await deliver("products/update", product, { shop: "victim-six.myshopify.com" }),
      await deliver("refunds/create", refund, { shop: "victim-six.myshopify.com" }),
    ];
    expect(replays.map((d) => d.status)).toEqual(["rejected", "rejected"]);
    expect(await counts("victim-six.myshopify.com")).toEqual({ shops: 0, orders: 0, products: 0 });
    expect(await db().refund.count({ where: { externalId: "95103" } })).toBe(0);
  });

  it("a product id that only an order file named in one shop does not keep the shop that owns it out", async () => {
    // An operator imports shop B's order export into shop A: the file names B's product ids.
    const header =
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
    await importOrderCsv(db(), {
      shopDomain: "importer-seven.myshopify.com",
      csv: Readable.from([`${header}\n`, "95201,C1,95202,1,10.00,2026-02-01T00:00:00Z,Mug,\n"]),
    });
    const product = { ...webhookFixture("products-update"), id: 95_202, title: "Mug from B" };
    const delivery = await deliver("products/update", product, { shop: "owner-seven.myshopify.com" });
    expect(delivery.status).toBe("processed");
    const stored = await db().product.findFirstOrThrow({
      where: { externalId: "95202", shop: { domain: "owner-seven.myshopify.com" } },
    });
    expect(stored.title).toBe("Mug from B");
  });

  it("orders/cancelled needs a cancelled order", async () => {
    await deliver("orders/create", order({ id: 95_002 }));
    const delivery = await deliver(
      "orders/cancelled",
      order({ id: 95_002, updated_at: new Date().toISOString() }),
    );
    expect(delivery.status).toBe("rejected");
  });

  it("a refund or product body does not pass as another topic's", async () => {
    const refund = await deliver("orders/updated", webhookFixture("refunds-create"));
    const product = await deliver("products/delete", webhookFixture("products-update"));
    const orderAsProduct = await deliver("products/update", order({ id: 95_003 }));
    expect([refund.status, product.status, orderAsProduct.status]).toEqual([
      "rejected",
      "rejected",
      "rejected",
    ]);
  });

  it("keys deliveries and shops by the normalised domain", async () => {
    await deliver("orders/create", order({ id: 96_001 }), { shop: "Case-Shop.myshopify.com" });
    await deliver("orders/create", order({ id: 96_002 }), { shop: "case-shop.myshopify.com" });
    expect(await db().shop.count({ where: { domain: { contains: "case-shop", mode: "insensitive" } } })).toBe(
      1,
    );
    expect(await counts("case-shop.myshopify.com")).toMatchObject({ orders: 2 });
    expect(await db().webhookDelivery.count({ where: { shopDomain: "Case-Shop.myshopify.com" } })).toBe(0);
  });

  it("answers 400 to a shop domain that is not a Shopify one and stores nothing", async () => {
    const before = await db().webhookDelivery.count();
    const { response } = await post("orders/create", order({ id: 96_003 }), { shop: "evil.example.com" });
    expect(response.status).toBe(400);
    expect(await db().webhookDelivery.count()).toBe(before);
  });

  it("an old shop/redact replayed after a reinstall does not erase the shop", async () => {
    await seedShop("reinstalled.myshopify.com", 97_000);
    const body = { shop_id: 97_000, shop_domain: "reinstalled.myshopify.com" };
    await deliver(
      "app/uninstalled",
      { id: 97_000, domain: "reinstalled.myshopify.com", myshopify_domain: "reinstalled.myshopify.com" },
      {
        shop: "reinstalled.myshopify.com",
        triggeredAt: minutesAgo(10),
      },
    );
    await markInstalled(db(), "reinstalled.myshopify.com");
    // The redaction body carries no time of its own; the headers around it are anyone's to set.
    const replay = await deliver("shop/redact", body, { shop: "reinstalled.myshopify.com" });
    expect(replay.status).toBe("rejected");
    expect(await counts("reinstalled.myshopify.com")).toEqual({ shops: 1, orders: 20, products: 1 });
  });
});

describe("an old uninstall and redaction replayed one after the other", () => {
  it("do not erase a reinstalled shop", async () => {
    const domain = "replayed-twice.myshopify.com";
    await seedShop(domain, 96_000);
    // Both bodies are old and signed; the trigger time is an unsigned header, so the uninstall
    // passes as newer than the reinstall and the shop is marked uninstalled.
    await deliver("app/uninstalled", { id: 96_000, domain, myshopify_domain: domain }, { shop: domain });
    expect((await db().shop.findUniqueOrThrow({ where: { domain } })).uninstalledAt).not.toBeNull();
    const redact = await deliver("shop/redact", { shop_id: 96_000, shop_domain: domain }, { shop: domain });
    expect(redact).toMatchObject({
      status: "rejected",
      lastError: expect.stringMatching(/after the uninstall/),
    });
    expect(await counts(domain)).toEqual({ shops: 1, orders: 20, products: 1 });
  });
});

describe("validation matches the columns", () => {
  it("rejects at receipt what the columns cannot hold, with its reason", async () => {
    const line = (order().line_items as Body[])[0]!;
    const cases: Array<[Body, RegExp]> = [
      [order({ id: 98_001, line_items: [{ ...line, quantity: 3_000_000_000 }] }), /quantity/],
      [order({ id: 98_002, line_items: [{ ...line, price: "12345678901234567890" }] }), /price/],
      [order({ id: 98_003, total_price: "123456789012345678901234567890" }), /total_price/],
      [order({ id: "1234567890123456789012345" }), /id/],
    ];
    for (const [body, reason] of cases) {
      const { response, eventId } = await post("orders/create", body);
      expect(response.status).toBe(200);
      const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
      expect(delivery.status).toBe("rejected");
      expect(delivery.lastError).toMatch(reason);
    }
  });

  it("rejects at receipt text Postgres cannot store (a NUL character, a lone surrogate)", async () => {
    const product = { ...webhookFixture("products-update"), id: 98_101, title: "Filters\u0000" };
    const line = (order().line_items as Body[])[0]!;
    const lonely = order({ id: 98_102, line_items: [{ ...line, title: "Mug \ud800" }] });
    for (const [topic, body] of [
      ["products/update", product],
      ["orders/create", lonely],
    ] as const) {
      const { response, eventId } = await post(topic, body);
      expect(response.status).toBe(200);
      const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
      expect(delivery.status).toBe("rejected");
    }
  });

  it("answers 400 to an event id too long to key a delivery, and stores nothing", async () => {
    const before = await db().webhookDelivery.count();
    const eventId = Array.from({ length: 100 }, () => crypto.randomUUID()).join("");
    const { response } = await post("orders/create", order({ id: 98_201 }), { eventId });
    expect(response.status).toBe(400);
    expect(await db().webhookDelivery.count()).toBe(before);
  });

  it("rejects a refund whose quantity no column holds", async () => {
    const refund = webhookFixture("refunds-create");
    (refund.refund_line_items as Body[])[0]!.quantity = 3_000_000_000;
    const { eventId } = await post("refunds/create", refund);
    expect((await db().webhookDelivery.findFirstOrThrow({ where: { eventId } })).status).toBe("rejected");
  });
});

describe("late deliveries never undo what came after them", () => {
  it("nothing triggered before a shop/redact recreates the shop; a reinstall afterwards works", async () => {
    const domain = "redacted-shop.myshopify.com";
    await deliver("orders/create", order({ id: 99_001 }), { shop: domain, triggeredAt: minutesAgo(30) });
    await deliver(
      "app/uninstalled",
      { id: 99_000, domain, myshopify_domain: domain },
      {
        shop: domain,
        triggeredAt: minutesAgo(20),
      },
    );
    // Shopify sends shop/redact 48 hours after the uninstall.
    await db().shop.update({ where: { domain }, data: { uninstalledAt: minutesAgo(48 * 60) } });
    const redact = await deliver("shop/redact", { shop_id: 99_000, shop_domain: domain }, { shop: domain });
    expect(redact).toMatchObject({ status: "processed", lastError: null });
    expect(await counts(domain)).toEqual({ shops: 0, orders: 0, products: 0 });

    const late = await deliver(
      "orders/updated",
      order({ id: 99_001, updated_at: new Date().toISOString() }),
      {
        shop: domain,
        triggeredAt: minutesAgo(25),
      },
    );
    expect(late.status).toBe("rejected");
    expect(late.payload).toBeNull();
    expect(await counts(domain)).toEqual({ shops: 0, orders: 0, products: 0 });

    await markInstalled(db(), domain);
    await deliver("orders/create", order({ id: 99_002 }), { shop: domain });
    expect(await counts(domain)).toEqual({ shops: 1, orders: 1, products: 0 });
  });

  it("a products/update older than the product's deletion does not revive it", async () => {
    const product = { ...webhookFixture("products-update"), id: 99_101 };
    await deliver("products/update", product, { triggeredAt: minutesAgo(10) });
    await deliver("products/delete", { id: 99_101 }, { triggeredAt: minutesAgo(5) });
    await deliver(
      "products/update",
      { ...product, updated_at: minutesAgo(8).toISOString() },
      {
        triggeredAt: minutesAgo(8),
      },
    );
    expect(await db().product.count({ where: { externalId: "99101" } })).toBe(0);
  });

  it("an app/uninstalled triggered before a quick reinstall leaves the shop installed", async () => {
    const domain = "quick-reinstall.myshopify.com";
    await seedShop(domain, 99_200);
    const uninstalledAt = minutesAgo(2);
    await markInstalled(db(), domain);
    const late = await deliver(
      "app/uninstalled",
      { id: 99_200, domain, myshopify_domain: domain },
      {
        shop: domain,
        triggeredAt: uninstalledAt,
      },
    );
    expect(late.status).toBe("rejected");
    const shop = await db().shop.findUniqueOrThrow({ where: { domain } });
    expect(shop.uninstalledAt).toBeNull();
  });

  it("refunds/create and orders/updated of one order processed together never deadlock", async () => {
    const base = webhookFixture("orders-create");
    await deliver("orders/create", { ...base, id: 99_300 });
    const refund = webhookFixture("refunds-create");
    const all: string[] = [];
    for (let i = 0; i < 30; i++) {
      const thisRefund = { ...refund, id: 99_300_000 + i, order_id: 99_300 };
      const updated = {
        ...base,
        id: 99_300,
        updated_at: new Date(Date.now() + i * 1000).toISOString(),
        refunds: [thisRefund],
      };
      const a = await post("orders/updated", updated);
      const b = await post("refunds/create", thisRefund);
      const ids = await Promise.all(
        [a.eventId, b.eventId].map(
          async (eventId) => (await db().webhookDelivery.findFirstOrThrow({ where: { eventId } })).id,
        ),
      );
      all.push(...ids);
      await Promise.all(ids.map((deliveryId) => processDelivery(db(), { deliveryId, finalAttempt: false })));
    }
    const statuses = await db().webhookDelivery.findMany({
      where: { id: { in: all } },
      select: { status: true },
    });
    expect(statuses.map((d) => d.status)).toEqual(all.map(() => "processed"));
    expect(await db().refund.count({ where: { orderExternalId: "99300" } })).toBe(30);
  });
});
