import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SECRETS } from "~/cli/local-secrets";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { customerKey } from "~/lib/customer-key.server";
import { servingSignatures } from "~/models/serving-data.server";
import { shopsWithNewData } from "~/models/training-runs.server";
import { getCheckoutOffers } from "~/services/checkout-offers.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { trainingJobId } from "~/services/request-training.server";
import { HISTORY_SHOP } from "~/services/seed-demo-shop.server";
import { csvTextOf } from "~ml";
import { seedOfferShop } from "../fixtures/offer-shop";
import { GIFT_SHOP_HISTORY, runCommand } from "../helpers/cli";
import { isolateIntegration } from "../helpers/integration";

const context = isolateIntegration();
const FIXTURE = GIFT_SHOP_HISTORY;
/** A returning customer of the fixture, and a product of their favourite theme. */
const CUSTOMER = "12452";
const CART = ["22961"];

const cli = (script: string, args: string[]) => runCommand(context, script, args);

const CSV_HEADER =
  "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";

const productIds = (offers: Array<{ productId: string }>) =>
  offers.map((offer) => offer.productId.replace("gid://shopify/Product/", ""));

/** What the checkout's offers service answers, outside the experiment unless told otherwise. */
function previewOffers(key: string, cart: string[], { inExperiment = false } = {}) {
  return getCheckoutOffers(db(), {
    shopDomain: HISTORY_SHOP,
    customerKey: key,
    cart,
    surface: "checkout",
    inExperiment,
  });
}

async function catalogState(shopId: string) {
  const [variants, orders, lines] = await Promise.all([
    db().variant.findMany({
      where: { product: { shopId } },
      select: {
        id: true,
        externalId: true,
        price: true,
        available: true,
        product: { select: { externalId: true } },
      },
      orderBy: { id: "asc" },
    }),
    db().order.count({ where: { shopId } }),
    db().orderLine.findMany({ where: { order: { shopId } }, select: { id: true }, orderBy: { id: "asc" } }),
  ]);
  const changedAt = await db().order.aggregate({ where: { shopId }, _max: { updatedAt: true } });
  return { signature: (await servingSignatures(shopId)).catalog, variants, orders, lines, changedAt };
}

describe("a shop whose history comes from a file", () => {
  let shopId: string;

  beforeAll(async () => {
    // The demo's own path: import, then train the first model, then stop.
    const demo = cli("app/cli/demo.ts", ["--file", FIXTURE, "--no-serve"]);
    expect(demo.stderr).not.toMatch(/error/i);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/Model v1 live .*\n\s+Holdout .*NDCG@10 0\.\d{3}/);
    shopId = (await db().shop.findUniqueOrThrow({ where: { domain: HISTORY_SHOP } })).id;
  }, 180_000);

  it("gives every product a default variant at the price of its latest order line", async () => {
    const products = await db().product.findMany({
      where: { shopId },
      select: { externalId: true, source: true, variants: { select: { price: true, available: true } } },
    });
    expect(products.length).toBeGreaterThan(30);
    for (const product of products) {
      expect(product.source).toBe("csv");
      expect(product.variants).toEqual([{ price: expect.anything(), available: true }]);
    }
    // The fixture's prices went up in September: the latest line's price is the one offered.
    const [latest] = await db().$queryRaw<Array<{ price: string }>>`
      SELECT l."unitPrice"::text AS price FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
      WHERE o."shopId" = ${shopId}::uuid AND l."productId" = '22699' ORDER BY o."orderedAt" DESC LIMIT 1`;
    const variant = await db().variant.findFirstOrThrow({
      where: { product: { shopId, externalId: "22699" } },
    });
    expect(variant.price?.toFixed(2)).toBe(latest!.price);
  });

  it("offers a known customer the model's picks, with reasons, through the checkout's offers service", async () => {
    const result = await previewOffers(
      customerKey(HISTORY_SHOP, CUSTOMER, LOCAL_SECRETS.CUSTOMER_KEY_SECRET),
      CART,
    );
    expect(result.modelVersion).toBe(1);
    expect(result.offers.length).toBeGreaterThan(0);
    for (const offer of result.offers) {
      expect(offer.reason).not.toBe("");
      expect(offer.productId).not.toBe(`gid://shopify/Product/${CART[0]}`);
    }
  });

  it("answers npm run offers with the model's offers, by the file's own ids, and reports bad lines", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "offers-"));
    const queries = path.join(dir, "queries.jsonl");
    await writeFile(
      queries,
      [
        JSON.stringify({ id: "q1", customer_id: CUSTOMER, cart: CART }),
        JSON.stringify({ id: "q2", cart: CART }),
        "{not json",
        JSON.stringify({ id: "q3", customer_id: CUSTOMER, cart: "22961" }),
      ].join("\n"),
    );
    const run = cli("app/cli/offers.ts", ["--shop", HISTORY_SHOP, "--queries", queries, "--k", "4"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/line 3: is not JSON/);
    expect(run.stderr).toMatch(/line 4: cart /);
    const answers = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(answers.map((answer) => answer.id)).toEqual(["q1", "q2"]);
    const [known, guest] = answers;
    expect(known.model).toBe("v1");
    // Keyed as the demo keyed the file's customers: their history changes what they are offered.
    expect(known.offers).not.toEqual(guest.offers);
    expect(known.offers).toHaveLength(4);
    const titles = new Map(
      (await db().product.findMany({ where: { shopId }, select: { externalId: true, title: true } })).map(
        (p) => [p.externalId, p.title],
      ),
    );
    for (const offer of known.offers) {
      expect(offer).toEqual({
        productId: expect.any(String),
        title: titles.get(offer.productId),
        reason: expect.stringMatching(/\w/),
        discountPercent: 0,
      });
      expect(CART).not.toContain(offer.productId);
    }
  });

  it("answers every returning customer's last checkout with the model's offers, file ids included", async () => {
    const lastOrders = await db().$queryRaw<Array<{ customer: string; product: string }>>`
      SELECT DISTINCT ON (o."customerKey") o."customerKey" AS customer, l."productId" AS product
      FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."shopId" = ${shopId}::uuid AND o."customerKey" IN (
        SELECT "customerKey" FROM "Order" WHERE "shopId" = ${shopId}::uuid
        GROUP BY "customerKey" HAVING count(*) >= 2)
      ORDER BY o."customerKey", o."orderedAt" DESC, l.id`;
    expect(lastOrders.length).toBeGreaterThan(30);
    const offered: string[] = [];
    for (const { customer, product } of lastOrders) {
      const result = await previewOffers(customer, [product]);
      expect(result.modelVersion).toBe(1);
      expect(result.offers.length).toBeGreaterThan(0);
      offered.push(...result.offers.map((offer) => offer.productId));
    }
    expect(offered.filter((id) => /[A-Z]$/.test(id)).length).toBeGreaterThan(0);
  });

  it("never shows a shopper's real checkout a product its cart could not take", async () => {
    const result = await previewOffers(
      customerKey(HISTORY_SHOP, CUSTOMER, LOCAL_SECRETS.CUSTOMER_KEY_SECRET),
      CART,
      { inExperiment: true },
    );
    expect(result.offers).toEqual([]);
  });

  it("changes nothing, and trains nothing, when the demo imports the same file again", async () => {
    const before = await catalogState(shopId);
    // The first import asked the workers for a training (the demo trained in the foreground instead).
    for (const slot of ["current", "next"] as const)
      await (await queue("train").getJob(trainingJobId(HISTORY_SHOP, slot)))?.remove();
    const again = cli("app/cli/demo.ts", ["--file", FIXTURE, "--no-serve"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/live model is newer than its data: no training needed/);
    expect(await catalogState(shopId)).toEqual(before);
    // So the nightly training, which retrains shops whose orders changed, finds nothing new.
    expect(await shopsWithNewData(db())).not.toContain(HISTORY_SHOP);
    expect(await queue("train").getJobs(["waiting", "delayed", "prioritized"])).toEqual([]);
  });

  it("never offers, even to a preview, a product an order file named in a shop whose catalog is Shopify's", async () => {
    const shopDomain = "on-shopify.myshopify.com";
    await seedOfferShop(db(), shopDomain);
    // The shop's best seller by far, but only in an export from another system.
    const exported = Array.from(
      { length: 60 },
      (_, i) => `x-${i},,85123A,1,2.55,${new Date(Date.now() - i * 3_600_000).toISOString()},LANTERN,`,
    );
    await importOrderCsv(db(), { shopDomain, csv: csvTextOf([CSV_HEADER, ...exported]) });
    const result = await getCheckoutOffers(db(), {
      shopDomain,
      customerKey: null,
      cart: [],
      surface: "checkout",
      inExperiment: false,
    });
    expect(result.offers.length).toBeGreaterThan(0);
    expect(productIds(result.offers)).not.toContain("85123A");
  });
});
