-- The first model version trained without an erased customer; the versions before it may hold them.
ALTER TABLE "CustomerRedaction" ADD COLUMN "appliedInVersion" INTEGER;

-- A redaction already applied was applied by the last version stored before it was marked.
UPDATE "CustomerRedaction" c SET "appliedInVersion" = (
  SELECT max(v.version) FROM "ModelVersion" v
  WHERE v."shopId" = c."shopId" AND v."trainedAt" <= c."appliedToModelsAt")
WHERE c."appliedToModelsAt" IS NOT NULL;

-- Redactions were marked applied even when that version was rejected, so an older live model may
-- still hold the customer. Unless the live version is that one or newer and a version trained after
-- the redaction went live (is live or retired), reopen them as if erased again now: the sweep asks
-- for a training of every erasure no training has started since.
UPDATE "CustomerRedaction" c
SET "appliedToModelsAt" = NULL, "appliedInVersion" = NULL, "redactedAt" = now() AT TIME ZONE 'UTC'
WHERE c."appliedToModelsAt" IS NOT NULL AND (
  EXISTS (SELECT 1 FROM "ModelVersion" v
          WHERE v."shopId" = c."shopId" AND v.status = 'live'
            AND v.version < COALESCE(c."appliedInVersion", 1))
  OR NOT EXISTS (SELECT 1 FROM "ModelVersion" v
                 WHERE v."shopId" = c."shopId" AND v.status IN ('live', 'retired')
                   AND v.version >= c."appliedInVersion" AND v."trainedAt" >= c."redactedAt"));

-- Redactions no model reflects yet, which the sweep looks for every minute (Prisma cannot express a
-- partial index).
CREATE INDEX "CustomerRedaction_pending_idx" ON "CustomerRedaction"("redactedAt")
  WHERE "appliedToModelsAt" IS NULL;
