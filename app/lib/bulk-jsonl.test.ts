import { describe, expect, it } from "vitest";
import { assembleOrders, collectBulkObjects } from "./bulk-jsonl";

async function* from(lines: string[]) {
  yield* lines;
}

describe("bulk JSONL", () => {
  it("attaches children to their parent wherever they appear, and counts bad lines", async () => {
    const objects = await collectBulkObjects(
      from([
        '{"id":"gid://shopify/LineItem/2","quantity":1,"__parentId":"gid://shopify/Order/1"}',
        "",
        "{broken",
        '{"id":"gid://shopify/Order/1","createdAt":"2026-01-01T00:00:00Z","customer":{"id":"gid://shopify/Customer/5"}}',
        '{"id":"gid://shopify/LineItem/3","quantity":2,"currentQuantity":0,"__parentId":"gid://shopify/Order/1"}',
      ]),
    );
    const { items, rejected } = assembleOrders(objects, (id) => `k${id}`);
    expect(rejected).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ externalId: "1", customerKey: "k5" });
    expect(items[0]?.lines.map((l) => [l.externalId, l.quantity, l.currentQuantity])).toEqual([
      ["2", 1, 1],
      ["3", 2, 0],
    ]);
  });
});
