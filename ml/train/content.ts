import { type Catalog, type Dataset, numProducts } from "../data/dataset";
import { TIE_BREAK } from "./decay";
import { NeighbourListBuilder, NeighbourListModel } from "./neighbours";
import { PopularityRecommender } from "./popularity";
import type { Query, Recommender } from "./recommender";

export interface ContentOptions {
  /** neighbours kept per product, default 50 */
  neighbours?: number;
}

const STOP_WORDS = new Set(["and", "the", "for", "with", "of", "in", "on", "to", "set", "pack", "size"]);

/** Lower-case word tokens of a product's text, without numbers, one-letter words and stop words. */
export function contentTokens(text: string): string[] {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return words.filter((w) => w.length > 1 && !/^\d+$/.test(w) && !STOP_WORDS.has(w));
}

/**
 * The most products a word may name and still tell products apart: a word on more than a tenth of
 * the catalog (a shop's own name, its main category) says nothing about any one of them.
 */
export function maxWordProducts(products: number): number {
  return Math.max(20, Math.floor(products / 10));
}

/** A product's distinct words: its title's and keywords' tokens, and its category as one word. */
export function productWords(catalog: Catalog, product: number): string[] {
  const { productTitles, productCategories, productKeywords } = catalog;
  const words = contentTokens(`${productTitles[product] ?? ""} ${productKeywords[product] ?? ""}`);
  const category = (productCategories[product] ?? "").trim().toLowerCase();
  if (category) words.push(`category:${category}`);
  return [...new Set(words)];
}

/**
 * Products alike in words: TF-IDF cosine over the title, type, vendor, tags and category of each
 * product, kept as each product's top neighbours. It needs no orders, so a product nobody has bought
 * yet still sits next to its range (and a cart of new products still gets offers). Words on more
 * than a tenth of the catalog say nothing and are dropped.
 */
export class ContentRecommender extends NeighbourListModel implements Recommender {
  readonly name = "content";
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: ContentOptions = {}) {
    super();
  }

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
    const n = numProducts(train);
    const docs = Array.from({ length: n }, (_, i) => productWords(train.catalog, i));
    const postings = new Map<string, number[]>();
    docs.forEach((words, i) => {
      for (const w of words) {
        let list = postings.get(w);
        if (!list) {
          list = [];
          postings.set(w, list);
        }
        list.push(i);
      }
    });
    const maxDf = maxWordProducts(n);
    const idf = new Map<string, number>();
    for (const [w, list] of postings) {
      if (list.length > 1 && list.length <= maxDf) idf.set(w, Math.log(n / list.length));
    }
    const norms = docs.map((words) => Math.sqrt(words.reduce((s, w) => s + (idf.get(w) ?? 0) ** 2, 0)));
    const keep = this.options.neighbours ?? 50;
    const dots = new Float64Array(n);
    const touched: number[] = [];
    const builder = new NeighbourListBuilder(n, keep);
    for (let i = 0; i < n; i++) {
      if (!(norms[i]! > 0)) continue;
      for (const w of docs[i]!) {
        const weight = idf.get(w);
        if (weight === undefined) continue;
        for (const j of postings.get(w)!) {
          if (j === i) continue;
          if (dots[j] === 0) touched.push(j);
          dots[j]! += weight * weight;
        }
      }
      builder.add(
        i,
        touched,
        Float32Array.from(touched, (j) => dots[j]! / (norms[i]! * norms[j]!)),
      );
      for (const j of touched) dots[j] = 0;
      touched.length = 0;
    }
    this.lists = builder.build();
  }

  protected get listLength(): number {
    return this.options.neighbours ?? 50;
  }

  score(query: Query, out: Float32Array): void {
    this.scoreCart(query.cart, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }
}
