import { describe, expect, it } from "vitest";
import { assembleOrders, assembleProducts, type BulkObjects, streamBulkObjects } from "./bulk-jsonl";

async function* from(lines: string[]) {
  yield* lines;
}

async function all(chunks: AsyncIterable<BulkObjects>): Promise<BulkObjects[]> {
  const list: BulkObjects[] = [];
  for await (const chunk of chunks) list.push(chunk);
  return list;
}

const order = (id: number) => `{"id":"gid://shopify/Order/${id}","createdAt":"2026-01-01T00:00:00Z"}`;
const line = (id: number, orderId: number) =>
  `{"id":"gid://shopify/LineItem/${id}","quantity":1,"__parentId":"gid://shopify/Order/${orderId}"}`;

describe("bulk JSONL", () => {
  it("attaches children to their parent wherever they appear nearby, and counts bad lines", async () => {
    const [objects, ...rest] = await all(
      streamBulkObjects(
        from([
          line(2, 1),
          "",
          "{broken",
          '{"id":"gid://shopify/Order/1","createdAt":"2026-01-01T00:00:00Z","customer":{"id":"gid://shopify/Customer/5"}}',
          '{"id":"gid://shopify/LineItem/3","quantity":2,"currentQuantity":0,"__parentId":"gid://shopify/Order/1"}',
        ]),
      ),
    );
    expect(rest).toEqual([]);
    const { items, rejected } = assembleOrders(objects!, (id) => `k${id}`);
    expect(rejected).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ externalId: "1", customerKey: "k5" });
    expect(items[0]?.lines.map((l) => [l.externalId, l.quantity, l.currentQuantity])).toEqual([
      ["2", 1, 1],
      ["3", 2, 0],
    ]);
  });

  it("hands out chunks while the file is still being read, holding a bounded window", async () => {
    let read = 0;
    async function* endless() {
      for (let id = 1; ; id++) {
        read += 1;
        yield order(id);
        yield line(id * 10, id);
      }
    }
    const chunks = streamBulkObjects(endless(), { size: 100, window: 50 });
    const first = (await chunks.next()).value as BulkObjects;
    await chunks.return(undefined);
    expect(first.parents.size).toBe(100);
    expect(first.children.size).toBe(100);
    expect(read).toBeLessThan(200);
  });

  it("counts children that come after their parent was let go, or whose parent never comes", async () => {
    const chunks = await all(
      streamBulkObjects(from([order(1), order(2), order(3), line(10, 1), line(40, 4)]), { window: 2 }),
    );
    const { items, rejected } = assembleOrders(
      {
        parents: new Map(chunks.flatMap((chunk) => [...chunk.parents])),
        children: new Map(chunks.flatMap((chunk) => [...chunk.children])),
        lateChildren: new Map(chunks.flatMap((chunk) => [...chunk.lateChildren])),
        badLines: chunks.reduce((sum, chunk) => sum + chunk.badLines, 0),
      },
      (id) => id,
    );
    expect(items.map((item) => [item.externalId, item.lines.length])).toEqual([
      ["1", 0],
      ["2", 0],
      ["3", 0],
    ]);
    expect(rejected).toBe(2);
  });

  it("gives a product's variants that come after it was let go apart, and the product as without variants", async () => {
    const product = (id: number) => `{"id":"gid://shopify/Product/${id}","title":"P${id}"}`;
    const variant = (id: number, productId: number) =>
      `{"id":"gid://shopify/ProductVariant/${id}","price":"5.00","__parentId":"gid://shopify/Product/${productId}"}`;
    const chunks = await all(
      streamBulkObjects(from([product(1), product(2), variant(20, 2), product(3), variant(10, 1)]), {
        size: 1,
        window: 2,
      }),
    );
    const assembled = chunks.map(assembleProducts);
    expect(assembled.flatMap((a) => a.items.map((p) => [p.externalId, p.variants.length]))).toEqual([
      ["2", 1],
    ]);
    expect(assembled.flatMap((a) => a.withoutVariants.map((p) => p.externalId))).toEqual(["1", "3"]);
    expect(assembled.flatMap((a) => a.lateVariants.map((v) => [v.productExternalId, v.externalId]))).toEqual([
      ["1", "10"],
    ]);
    expect(assembled.reduce((sum, a) => sum + a.rejected, 0)).toBe(0);
  });

  it("reads each variant's inventory item and cost, a late variant's too, and leaves out a cost that is none", async () => {
    const variant = (id: number, inventoryItem: string) =>
      `{"id":"gid://shopify/ProductVariant/${id}","price":"20.00","inventoryItem":${inventoryItem},"__parentId":"gid://shopify/Product/1"}`;
    const item = (id: number, unitCost: string) =>
      `{"id":"gid://shopify/InventoryItem/${id}","updatedAt":"2026-11-01T10:00:00Z","unitCost":${unitCost}}`;
    const [objects] = await all(
      streamBulkObjects(
        from([
          '{"id":"gid://shopify/Product/1","title":"P1"}',
          variant(11, item(911, '{"amount":"7.5"}')),
          variant(12, item(912, "null")),
          variant(13, item(913, '{"amount":"-3.00"}')),
          variant(14, item(914, '{"amount":"lots"}')),
          variant(15, "null"),
        ]),
      ),
    );
    const { items, costs, rejected } = assembleProducts(objects!);
    expect(rejected).toBe(0);
    expect(items[0]?.variants.map((v) => [v.externalId, v.inventoryItemId])).toEqual([
      ["11", "911"],
      ["12", "912"],
      ["13", "913"],
      ["14", "914"],
      ["15", null],
    ]);
    const at = "2026-11-01T10:00:00Z";
    expect(costs).toEqual([
      { inventoryItemId: "911", unitCost: "7.5", updatedAt: at },
      // Shopify has no cost: stored as none.
      { inventoryItemId: "912", unitCost: null, updatedAt: at },
    ]);
  });

  it("reads an order's total discounts, null when the file has none", async () => {
    const [objects] = await all(
      streamBulkObjects(
        from([
          '{"id":"gid://shopify/Order/1","createdAt":"2026-01-01T00:00:00Z","totalDiscountsSet":{"shopMoney":{"amount":"4.25"}}}',
          order(2),
        ]),
      ),
    );
    const { items } = assembleOrders(objects!, (id) => id);
    expect(items.map((o) => [o.externalId, o.totalDiscounts])).toEqual([
      ["1", "4.25"],
      ["2", null],
    ]);
  });
});
