-- CreateTable
CREATE TABLE "Experiment" (
    "shopId" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "holdoutPercent" DOUBLE PRECISION NOT NULL,
    "variants" JSONB NOT NULL,
    "firstServedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "shopId" UUID NOT NULL,
    "experimentId" TEXT NOT NULL,
    "unitKey" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "customerKey" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentExposure_pkey" PRIMARY KEY ("shopId","experimentId","unitKey")
);

-- CreateIndex
CREATE INDEX "ExperimentExposure_shopId_experimentId_variant_idx" ON "ExperimentExposure"("shopId", "experimentId", "variant");

-- CreateIndex
CREATE INDEX "ExperimentExposure_shopId_customerKey_idx" ON "ExperimentExposure"("shopId", "customerKey");

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentExposure" ADD CONSTRAINT "ExperimentExposure_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

