-- AlterTable
ALTER TABLE "ModelHealthCheck" ADD COLUMN     "servingFailures" INTEGER,
ADD COLUMN     "servingP50Ms" DOUBLE PRECISION,
ADD COLUMN     "servingP95Ms" DOUBLE PRECISION,
ADD COLUMN     "servingP99Ms" DOUBLE PRECISION,
ADD COLUMN     "servingRequests" INTEGER;

