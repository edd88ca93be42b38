-- Discounts are given by the offer discount function, not by single-use codes: the code pool goes.
DROP TABLE "DiscountCode";
DROP TABLE "DiscountPool";

-- The shop's automatic app discount that runs the function.
ALTER TABLE "Shop" ADD COLUMN "offerDiscountId" TEXT;

-- What our discount took off an offered line, from the order's discount allocations.
ALTER TABLE "OrderLine" ADD COLUMN "offerDiscount" DECIMAL(12,2);

-- A discount signed into an offer, counted against the monthly budget until redeemed or expired.
CREATE TABLE "OfferGrant" (
    "id" BIGSERIAL NOT NULL,
    "shopId" UUID NOT NULL,
    "holder" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "value" DECIMAL(12,2) NOT NULL,
    "offerId" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "redeemedAt" TIMESTAMP(3),

    CONSTRAINT "OfferGrant_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "OfferGrant_shopId_offerId_key" ON "OfferGrant"("shopId", "offerId");
CREATE INDEX "OfferGrant_shopId_holder_productId_idx" ON "OfferGrant"("shopId", "holder", "productId");
CREATE INDEX "OfferGrant_shopId_expiresAt_idx" ON "OfferGrant"("shopId", "expiresAt");

ALTER TABLE "OfferGrant" ADD CONSTRAINT "OfferGrant_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
