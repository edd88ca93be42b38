-- AlterTable
ALTER TABLE "OfferEvent" ADD COLUMN     "cartProductIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "DemotedOfferPair" (
    "shopId" UUID NOT NULL,
    "cartProductId" TEXT NOT NULL,
    "offerProductId" TEXT NOT NULL,
    "impressions" INTEGER NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DemotedOfferPair_pkey" PRIMARY KEY ("shopId","cartProductId","offerProductId")
);

-- AddForeignKey
ALTER TABLE "DemotedOfferPair" ADD CONSTRAINT "DemotedOfferPair_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

