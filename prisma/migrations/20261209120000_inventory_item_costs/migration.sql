-- CreateTable
CREATE TABLE "InventoryItemCost" (
    "shopId" UUID NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "unitCost" DECIMAL(12,2),
    "sourceUpdatedAt" TIMESTAMP(3),

    CONSTRAINT "InventoryItemCost_pkey" PRIMARY KEY ("shopId","inventoryItemId")
);

-- AddForeignKey
ALTER TABLE "InventoryItemCost" ADD CONSTRAINT "InventoryItemCost_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

