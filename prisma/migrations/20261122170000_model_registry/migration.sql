-- CreateTable
CREATE TABLE "TrainingRun" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "note" TEXT,
    "dataTo" TIMESTAMP(3),
    "orderCount" INTEGER,
    "version" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TrainingRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'candidate',
    "trainedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dataFrom" TIMESTAMP(3),
    "dataTo" TIMESTAMP(3),
    "orderCount" INTEGER NOT NULL,
    "productCount" INTEGER NOT NULL,
    "customerCount" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "trainSeconds" DOUBLE PRECISION NOT NULL,
    "artifactLocation" TEXT,
    "promotedAt" TIMESTAMP(3),
    "decisionNote" TEXT,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelArtifact" (
    "modelVersionId" UUID NOT NULL,
    "bytes" BYTEA NOT NULL,
    "sizeBytes" INTEGER NOT NULL,

    CONSTRAINT "ModelArtifact_pkey" PRIMARY KEY ("modelVersionId")
);

-- CreateIndex
CREATE INDEX "TrainingRun_shopId_startedAt_idx" ON "TrainingRun"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "ModelVersion_shopId_status_idx" ON "ModelVersion"("shopId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_shopId_version_key" ON "ModelVersion"("shopId", "version");

-- CreateIndex
CREATE INDEX "Order_shopId_updatedAt_idx" ON "Order"("shopId", "updatedAt");

-- AddForeignKey
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelArtifact" ADD CONSTRAINT "ModelArtifact_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one live version per shop (Prisma cannot express a partial unique index).
CREATE UNIQUE INDEX "ModelVersion_one_live_per_shop" ON "ModelVersion"("shopId") WHERE "status" = 'live';

-- The registry's states, and the training outcomes, as closed lists.
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_status_check"
  CHECK ("status" IN ('candidate', 'live', 'rejected', 'retired'));
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_status_check"
  CHECK ("status" IN ('running', 'stored', 'skipped', 'failed'));
