import type { ComponentChildren } from "preact";
import type { Offer, Price } from "./lib/offers";

/** Reasons the extension can word itself when the app sends none. */
const REASON_KINDS = new Set(["bought-with", "similar", "bought-before", "your-taste", "popular"]);

export interface OfferCardProps {
  offer: Offer;
  /** the Add button, or the Thank you page's link */
  action: ComponentChildren;
  failed?: boolean;
}

export function OfferCard({ offer, action, failed = false }: OfferCardProps) {
  const { translate } = shopify.i18n;
  const reason =
    offer.reason || (REASON_KINDS.has(offer.reasonKind) ? translate(`reason.${offer.reasonKind}`) : "");
  return (
    <s-stack gap="small-300">
      <s-grid gridTemplateColumns="auto 1fr auto" gap="base" alignItems="center">
        <s-product-thumbnail src={offer.imageUrl ?? undefined} alt={offer.title} />
        <s-stack gap="small-500">
          <s-text type="strong">{offer.title}</s-text>
          <s-stack direction="inline" gap="small-300">
            {offer.discount ? (
              <>
                <s-text type="redundant" color="subdued">
                  {formatMoney(offer.price)}
                </s-text>
                <s-text>{formatMoney(offer.discount.price)}</s-text>
                <s-badge>{translate("discount", { percent: offer.discount.percent })}</s-badge>
              </>
            ) : (
              <>
                {offer.compareAtPrice && (
                  <s-text type="redundant" color="subdued">
                    {formatMoney(offer.compareAtPrice)}
                  </s-text>
                )}
                <s-text>{formatMoney(offer.price)}</s-text>
              </>
            )}
          </s-stack>
          {reason && <s-text color="subdued">{reason}</s-text>}
        </s-stack>
        {action}
      </s-grid>
      {failed && <s-text tone="critical">{translate("addFailed")}</s-text>}
    </s-stack>
  );
}

function formatMoney({ amount, currencyCode }: Price): string {
  return shopify.i18n.formatCurrency(amount, { currency: currencyCode });
}
