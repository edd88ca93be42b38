-- The daily model health checks (app/services/check-model-health.server.ts).
-- CreateTable
CREATE TABLE "ModelHealthCheck" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recentOrders" INTEGER NOT NULL,
    "queries" INTEGER NOT NULL,
    "ndcg" DOUBLE PRECISION,
    "ndcgStdErr" DOUBLE PRECISION,
    "holdoutNdcg" DOUBLE PRECISION,
    "holdoutStdErr" DOUBLE PRECISION,
    "unknownShare" DOUBLE PRECISION,
    "categoryPsi" DOUBLE PRECISION,
    "alerts" JSONB NOT NULL DEFAULT '[]',
    "retrainRequested" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ModelHealthCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelHealthCheck_shopId_checkedAt_idx" ON "ModelHealthCheck"("shopId", "checkedAt");

-- AddForeignKey
ALTER TABLE "ModelHealthCheck" ADD CONSTRAINT "ModelHealthCheck_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

