-- A pair the merchant blocked from the preview: never offer "offerProductId" to a cart holding
-- "cartProductId".
CREATE TABLE "BlockedOfferPair" (
    "shopId" UUID NOT NULL,
    "cartProductId" TEXT NOT NULL,
    "offerProductId" TEXT NOT NULL,
    "blockedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BlockedOfferPair_pkey" PRIMARY KEY ("shopId","cartProductId","offerProductId")
);

-- AddForeignKey
ALTER TABLE "BlockedOfferPair" ADD CONSTRAINT "BlockedOfferPair_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
