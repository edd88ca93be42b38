-- AlterTable
ALTER TABLE "OfferEvent" ADD COLUMN     "discountPercent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "experimentId" TEXT,
ADD COLUMN     "variant" INTEGER;


-- Purchases are matched to the offers that led to them by offer id, when the discount policy
-- learns from its outcomes (Prisma cannot express a partial index).
CREATE INDEX "OrderLine_offerId_idx" ON "OrderLine"("offerId") WHERE "offerId" IS NOT NULL;
