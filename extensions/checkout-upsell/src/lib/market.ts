import type { AppOffer, Offer, Price } from "./offers";

/** The buyer's market as checkout knows it: where they buy and the language they read. */
export interface BuyerContext {
  /** ISO 3166-1 alpha-2, such as "FR"; undefined when checkout does not know it yet */
  country?: string;
  /** BCP 47, such as "fr" or "pt-BR" */
  language: string;
}

/** A variant as Shopify sells it in the buyer's market. */
export interface MarketVariant {
  price: Price;
  compareAtPrice: Price | null;
  /** the product's title in the buyer's language, where the shop has a translation */
  title: string | null;
  availableForSale: boolean;
}

/** The Storefront API version the query is written against. */
export const STOREFRONT_VERSION = "2026-07";
const MAX_TITLE = 500;

/**
 * One Storefront API query for every offered variant, in the buyer's country and language
 * (`@inContext`): the price and compare-at price in the buyer's currency, whether it can be bought
 * there, and the product's title in their language. A variant that is not published in that market
 * comes back null.
 */
export function marketQuery(context: BuyerContext): { query: string; variables: Record<string, unknown> } {
  const country = countryCode(context.country);
  const language = languageCode(context.language);
  const declared = [
    "$ids: [ID!]!",
    ...(country ? ["$country: CountryCode"] : []),
    ...(language ? ["$language: LanguageCode"] : []),
  ];
  const inContext = [...(country ? ["country: $country"] : []), ...(language ? ["language: $language"] : [])];
  const query = `query OfferVariants(${declared.join(", ")})${
    inContext.length ? ` @inContext(${inContext.join(", ")})` : ""
  } { nodes(ids: $ids) { ... on ProductVariant { id availableForSale price { amount currencyCode } compareAtPrice { amount currencyCode } product { title } } } }`;
  return {
    query,
    variables: { ...(country ? { country } : {}), ...(language ? { language } : {}) },
  };
}

/** Storefront's CountryCode: two capital letters. */
function countryCode(country: string | undefined): string | null {
  const code = country?.toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : null;
}

/** Storefront's LanguageCode values (API 2026-07): a value outside them fails the whole query. */
const LANGUAGE_CODES = new Set(
  (
    "AF AK AM AR AS AZ BE BG BM BN BO BR BS CA CE CKB CS CU CY DA DE DZ EE EL EN EO ES ET EU FA FF FI " +
    "FIL FO FR FY GA GD GL GU GV HA HE HI HR HU HY IA ID IG II IS IT JA JV KA KI KK KL KM KN KO KS KU " +
    "KW KY LA LB LG LN LO LT LU LV MG MI MK ML MN MO MR MS MT MY NB ND NE NL NN NO OM OR OS PA PL PS PT " +
    "PT_BR PT_PT QU RM RN RO RU RW SA SC SD SE SG SH SI SK SL SN SO SQ SR SU SV SW TA TE TG TH TI TK TO " +
    "TR TT UG UK UR UZ VI VO WO XH YI YO ZH ZH_CN ZH_TW ZU"
  ).split(" "),
);

/**
 * Storefront's LanguageCode for a BCP 47 tag: the language with its region where the enum has that
 * pair ("pt-BR" gives PT_BR), else the language alone ("fr-CA" gives FR); null for a language
 * Storefront does not know, which is then left out of the query.
 */
function languageCode(tag: string): string | null {
  const [language = "", region = ""] = tag.toUpperCase().split(/[-_]/);
  const regional = `${language}_${region}`;
  if (LANGUAGE_CODES.has(regional)) return regional;
  return LANGUAGE_CODES.has(language) ? language : null;
}

interface VariantNode {
  id?: unknown;
  availableForSale?: unknown;
  price?: unknown;
  compareAtPrice?: unknown;
  product?: { title?: unknown } | null;
}

/**
 * The variants of the answer by id. Null nodes (unknown, or not published in the buyer's market)
 * and nodes whose price cannot be read are left out, so their offers are not shown.
 */
export function parseMarketVariants(data: unknown): Map<string, MarketVariant> {
  const variants = new Map<string, MarketVariant>();
  const nodes = (data as { nodes?: unknown } | null | undefined)?.nodes;
  if (!Array.isArray(nodes)) return variants;
  for (const node of nodes as Array<VariantNode | null>) {
    if (!node || typeof node.id !== "string") continue;
    const price = parsePrice(node.price);
    if (!price) continue;
    const compareAtPrice = parsePrice(node.compareAtPrice);
    const title = node.product?.title;
    variants.set(node.id, {
      price,
      compareAtPrice,
      title: typeof title === "string" && title.trim() && title.length <= MAX_TITLE ? title : null,
      availableForSale: node.availableForSale === true,
    });
  }
  return variants;
}

/** Storefront's MoneyV2: a decimal string and an ISO 4217 code. */
function parsePrice(value: unknown): Price | null {
  if (typeof value !== "object" || value === null) return null;
  const { amount, currencyCode } = value as { amount?: unknown; currencyCode?: unknown };
  if (typeof amount !== "string" || !/^\d{1,12}(\.\d+)?$/.test(amount)) return null;
  if (typeof currencyCode !== "string" || !/^[A-Z]{3}$/.test(currencyCode)) return null;
  return { amount: Number(amount), currencyCode };
}

/**
 * The offers as the buyer can buy them: priced and titled as Shopify answered for their market, the
 * discount's percent applied to that price. An offer Shopify did not return, or that cannot be bought
 * there, is dropped: showing it would show a price the buyer would not pay.
 */
export function marketOffers(
  offers: readonly AppOffer[],
  variants: ReadonlyMap<string, MarketVariant>,
): Offer[] {
  return offers.flatMap((offer): Offer[] => {
    const variant = variants.get(offer.variantId);
    if (!variant?.availableForSale) return [];
    const { price, compareAtPrice } = variant;
    const discounted = offer.discount ? discountedPrice(price, offer.discount.percent) : null;
    return [
      {
        ...offer,
        title: variant.title ?? offer.title,
        price,
        // Only worth striking through when it is higher than the price, in the same currency.
        compareAtPrice:
          compareAtPrice &&
          compareAtPrice.currencyCode === price.currencyCode &&
          compareAtPrice.amount > price.amount
            ? compareAtPrice
            : null,
        discount:
          offer.discount && discounted && discounted.amount < price.amount
            ? { percent: offer.discount.percent, price: discounted }
            : null,
      },
    ];
  });
}

/**
 * The price with the percent off, the discount rounded to the currency's smallest unit (cents for
 * euros, whole yen for yen) as checkout rounds a line's percentage discount.
 */
export function discountedPrice(price: Price, percent: number): Price {
  const unit = 10 ** fractionDigits(price.currencyCode);
  const units = Math.round(price.amount * unit);
  return {
    amount: (units - Math.round((units * percent) / 100)) / unit,
    currencyCode: price.currencyCode,
  };
}

function fractionDigits(currencyCode: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}
