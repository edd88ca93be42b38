-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "authorizedAt" TIMESTAMP(3);

-- An installed shop was last authorised no earlier than its install: an uninstall triggered before is stale.
UPDATE "Shop" SET "authorizedAt" = "installedAt" WHERE "uninstalledAt" IS NULL;

-- CreateTable
CREATE TABLE "ShopRedaction" (
    "domain" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopRedaction_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "ProductDeletion" (
    "shopId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductDeletion_pkey" PRIMARY KEY ("shopId","externalId")
);

-- CreateIndex
CREATE INDEX "Product_externalId_idx" ON "Product"("externalId");

-- CreateIndex
CREATE INDEX "Order_externalId_idx" ON "Order"("externalId");

-- AddForeignKey
ALTER TABLE "ProductDeletion" ADD CONSTRAINT "ProductDeletion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
