-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "segmentSnapshot" JSONB,
ADD COLUMN     "segmentsClaimedAt" TIMESTAMP(3);

