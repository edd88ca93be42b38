import type { EngineOffer } from "~ml";

type ReasonKind = EngineOffer["reasonKind"];

interface Phrases {
  boughtWith: (title: string) => string;
  similar: (title: string) => string;
  boughtBefore: string;
  yourTaste: string;
  popular: string;
  /** stands for the cart product when its title is unknown */
  yourCart: string;
}

const PHRASES: Record<"en" | "fr", Phrases> = {
  en: {
    boughtWith: (title) => `Often bought with ${title}`,
    similar: (title) => `Goes with ${title}`,
    boughtBefore: "You bought this before",
    yourTaste: "Popular with customers like you",
    popular: "Popular right now",
    yourCart: "your cart",
  },
  fr: {
    boughtWith: (title) => `Souvent acheté avec ${title}`,
    similar: (title) => `Va bien avec ${title}`,
    boughtBefore: "Vous l’avez déjà acheté",
    yourTaste: "Apprécié des clients comme vous",
    popular: "Populaire en ce moment",
    yourCart: "votre panier",
  },
};

/** The shopper-facing reason in the checkout's language (English unless a translation exists). */
export function reasonText(
  offer: Pick<EngineOffer, "reasonKind" | "reasonProductTitle">,
  locale: string | null | undefined,
): string {
  const language = (locale ?? "en").slice(0, 2).toLowerCase();
  const phrases = language === "fr" ? PHRASES.fr : PHRASES.en;
  const title = offer.reasonProductTitle ?? phrases.yourCart;
  const kind: ReasonKind = offer.reasonKind;
  switch (kind) {
    case "bought-with":
      return phrases.boughtWith(title);
    case "similar":
      return phrases.similar(title);
    case "bought-before":
      return phrases.boughtBefore;
    case "your-taste":
      return phrases.yourTaste;
    case "popular":
      return phrases.popular;
  }
}
