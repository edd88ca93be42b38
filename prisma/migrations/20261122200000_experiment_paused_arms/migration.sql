-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "pausedArms" JSONB NOT NULL DEFAULT '[]';
