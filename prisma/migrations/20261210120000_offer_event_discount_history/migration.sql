-- AlterTable
ALTER TABLE "OfferEvent" ADD COLUMN     "discountHistory" TEXT;

