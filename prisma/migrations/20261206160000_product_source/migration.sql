-- Where a product came from: Shopify (webhooks, the bulk import) or only an order file.
ALTER TABLE "Product" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'shopify';

-- An order file writes no variants and no updated_at; every Shopify product has a variant.
UPDATE "Product" p SET "source" = 'csv'
WHERE p."sourceUpdatedAt" IS NULL AND NOT EXISTS (SELECT 1 FROM "Variant" v WHERE v."productId" = p.id);
