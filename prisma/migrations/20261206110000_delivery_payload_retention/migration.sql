-- Processed deliveries whose payload is still kept, for the hourly retention pass to find without
-- reading every row it already stripped (Prisma cannot express a partial index).
CREATE INDEX "WebhookDelivery_payload_kept_idx" ON "WebhookDelivery"("receivedAt")
  WHERE "status" = 'processed' AND "payload" IS NOT NULL;
