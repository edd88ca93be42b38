import { describe, expect, it } from "vitest";
import { parseOrderRows } from "./csv";

describe("CSV parsing", () => {
  it("reads order rows and skips rows without a product", async () => {
    const rows = await parseOrderRows(
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category\n" +
        '1,,p1,1,2.00,,"Mug, large",Kitchen\n1,,,1,1,,,\n',
    );
    expect(rows).toEqual([
      {
        orderId: "1",
        customerId: "",
        productId: "p1",
        orderedAt: "",
        productTitle: "Mug, large",
        productCategory: "Kitchen",
      },
    ]);
  });
});
