-- AlterTable
ALTER TABLE "OfferEvent" ADD COLUMN     "segment" TEXT;

-- AlterTable
ALTER TABLE "ExperimentExposure" ADD COLUMN     "segment" TEXT;
