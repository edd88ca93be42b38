-- When a checkout block or the app proxy first asked for the shop's offers (the setup's last step).
ALTER TABLE "Shop" ADD COLUMN "offersFirstRequestedAt" TIMESTAMP(3);
