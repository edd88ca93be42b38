-- AlterTable
ALTER TABLE "Variant" ADD COLUMN     "inventoryItemId" TEXT,
ADD COLUMN     "unitCost" DECIMAL(12,2);

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "totalDiscounts" DECIMAL(14,2);

-- AlterTable
ALTER TABLE "ExperimentExposure" ADD COLUMN     "noDiscounts" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Variant_inventoryItemId_idx" ON "Variant"("inventoryItemId");

