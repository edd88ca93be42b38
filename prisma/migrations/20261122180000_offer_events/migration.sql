-- CreateTable
CREATE TABLE "OfferEvent" (
    "id" BIGSERIAL NOT NULL,
    "shopId" UUID NOT NULL,
    "offerId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "modelVersion" INTEGER,
    "surface" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "customerKey" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfferEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OfferEvent_shopId_occurredAt_idx" ON "OfferEvent"("shopId", "occurredAt");

-- CreateIndex
CREATE INDEX "OfferEvent_shopId_customerKey_idx" ON "OfferEvent"("shopId", "customerKey");

-- CreateIndex
CREATE UNIQUE INDEX "OfferEvent_shopId_offerId_type_key" ON "OfferEvent"("shopId", "offerId", "type");

-- AddForeignKey
ALTER TABLE "OfferEvent" ADD CONSTRAINT "OfferEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
