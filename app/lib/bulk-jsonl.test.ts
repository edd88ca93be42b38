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
});
