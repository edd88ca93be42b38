-- The first model version trained without an erased customer; the versions before it may hold them.
ALTER TABLE "CustomerRedaction" ADD COLUMN "appliedInVersion" INTEGER;

-- A redaction already applied was applied by the last version stored before it was marked.
UPDATE "CustomerRedaction" c SET "appliedInVersion" = (
  SELECT max(v.version) FROM "ModelVersion" v
  WHERE v."shopId" = c."shopId" AND v."trainedAt" <= c."appliedToModelsAt")
WHERE c."appliedToModelsAt" IS NOT NULL;

-- Redactions no model reflects yet, which the sweep looks for every minute (Prisma cannot express a
-- partial index).
CREATE INDEX "CustomerRedaction_pending_idx" ON "CustomerRedaction"("redactedAt")
  WHERE "appliedToModelsAt" IS NULL;
