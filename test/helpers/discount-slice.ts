import { customerKey } from "~/lib/customer-key.server";
import { experimentPlan } from "~/lib/experiments";
import { ExperimentSettingsSchema } from "~/lib/shop-settings";
import { armOf, checkoutUnit } from "~/services/experiment-arms.server";

/**
 * Whether a shopper's checkouts fall in their arm's no-discount slice under the shop's experiment
 * settings, and so are offered no discount: a logged-in buyer by their customer id, a guest by the
 * checkout key the extension sends.
 */
export function offeredNoDiscount(
  shopDomain: string,
  experiment: unknown,
  { customerId = null, unitKey = null }: { customerId?: string | null; unitKey?: string | null },
): boolean {
  const plan = experimentPlan(ExperimentSettingsSchema.parse(experiment));
  const unit = customerId
    ? customerKey(shopDomain, customerId)
    : unitKey
      ? checkoutUnit(shopDomain, unitKey)
      : null;
  return unit !== null && armOf({ shopDomain, plan, unit }).noDiscounts;
}
