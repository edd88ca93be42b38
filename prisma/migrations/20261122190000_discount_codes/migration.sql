-- CreateTable
CREATE TABLE "DiscountCode" (
    "id" BIGSERIAL NOT NULL,
    "shopId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'reserved',
    "discountNodeId" TEXT,
    "issuedTo" TEXT,
    "offerId" TEXT,
    "issuedAt" TIMESTAMP(3),
    "issuedValue" DECIMAL(12,2),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscountCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscountPool" (
    "shopId" UUID NOT NULL,
    "productId" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "wantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscountPool_pkey" PRIMARY KEY ("shopId","productId","percent")
);

-- CreateIndex
CREATE INDEX "DiscountCode_shopId_productId_percent_status_expiresAt_idx" ON "DiscountCode"("shopId", "productId", "percent", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "DiscountCode_shopId_issuedAt_idx" ON "DiscountCode"("shopId", "issuedAt");

-- CreateIndex
CREATE INDEX "DiscountCode_shopId_issuedTo_productId_idx" ON "DiscountCode"("shopId", "issuedTo", "productId");

-- CreateIndex
CREATE INDEX "DiscountCode_status_expiresAt_idx" ON "DiscountCode"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "DiscountCode_shopId_code_key" ON "DiscountCode"("shopId", "code");

-- AddForeignKey
ALTER TABLE "DiscountCode" ADD CONSTRAINT "DiscountCode_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscountPool" ADD CONSTRAINT "DiscountPool_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A code's states as a closed list, and at most one live code per shopper and product, so a second
-- request from the same shopper can never take a second code (Prisma cannot express either).
ALTER TABLE "DiscountCode" ADD CONSTRAINT "DiscountCode_status_check"
  CHECK ("status" IN ('reserved', 'available', 'issued', 'redeemed', 'expired'));
ALTER TABLE "DiscountCode" ADD CONSTRAINT "DiscountCode_percent_check" CHECK ("percent" BETWEEN 1 AND 100);
CREATE UNIQUE INDEX "DiscountCode_one_issued_per_shopper" ON "DiscountCode"("shopId", "issuedTo", "productId")
  WHERE "status" = 'issued';
