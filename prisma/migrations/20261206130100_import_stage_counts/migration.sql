-- AlterTable
ALTER TABLE "ImportRun" ADD COLUMN     "stageProcessed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stageRejected" INTEGER NOT NULL DEFAULT 0;

