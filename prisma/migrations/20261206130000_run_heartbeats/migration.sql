-- AlterTable
ALTER TABLE "ImportRun" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "ImportRun_status_updatedAt_idx" ON "ImportRun"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "TrainingRun_status_updatedAt_idx" ON "TrainingRun"("status", "updatedAt");

