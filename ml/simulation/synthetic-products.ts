import { type Rng, shuffleInPlace } from "../data/random";
import { CATEGORIES, HOLIDAY, type Kind, SUMMER } from "./synthetic-catalog";
import { apportion, cumulative, drawIndex } from "./synthetic-draws";
import type { SyntheticProduct } from "./synthetic-shop";

// The synthetic shop's products, drawn from the catalog's kinds: prices, a Zipf-like popularity on
// each shelf, designed complementary partners and starter-kit bundles.

const FIRST_PRODUCT_ID = 8_000_001_001;
const FIRST_VARIANT_ID = 9_000_001_001;

export interface Catalog {
  products: SyntheticProduct[];
  cents: Int32Array;
  /** typical days a pack lasts; 0 for durables */
  cycleDays: Float64Array;
  season: Uint8Array;
  popularity: Float64Array;
  complements: Array<Array<{ to: number; rate: number }>>;
  bundles: number[][];
  byCategory: number[][];
}

const POPULARITY_EXPONENT = 0.8;

interface Draft {
  kind: Kind;
  category: number;
  title: string;
  label: string;
  vendor: string;
  cents: number;
  cycleDays: number;
}

export function buildCatalog(size: number, rng: Rng): Catalog {
  const counts = apportion(
    size,
    CATEGORIES.map((c) => c.share),
  );
  const basePrice = new Map<string, number>();
  const drafts: Draft[] = [];
  CATEGORIES.forEach((spec, category) => {
    const combos = spec.kinds.flatMap((kind, k) =>
      kind.names.flatMap((name, n) =>
        kind.variants.map(([label, mult]) => ({ kind, name, label, mult, k, n })),
      ),
    );
    shuffleInPlace(rng, combos);
    for (let i = 0; i < counts[category]!; i++) {
      const { kind, name, label, mult, k, n } = combos[i % combos.length]!;
      const edition = Math.floor(i / combos.length);
      const priceKey = `${kind.key}|${name}`;
      const base = basePrice.get(priceKey) ?? kind.price[0] + rng() * (kind.price[1] - kind.price[0]);
      basePrice.set(priceKey, base);
      drafts.push({
        kind,
        category,
        title: [name, label, edition > 0 ? `No. ${edition + 1}` : ""].filter(Boolean).join(" "),
        label,
        vendor: spec.vendors[(k + n) % spec.vendors.length]!,
        cents: charmCents(base * mult, rng),
        cycleDays: kind.cycleDays ? Math.min(120, kind.cycleDays * mult) : 0,
      });
    }
  });
  shuffleInPlace(rng, drafts);

  const byCategory = CATEGORIES.map((): number[] => []);
  drafts.forEach((d, i) => {
    byCategory[d.category]!.push(i);
  });
  // Zipf-like within each shelf: a few best sellers and a long tail.
  const popularity = new Float64Array(drafts.length);
  for (const shelf of byCategory) {
    shuffleInPlace(rng, [...shelf]).forEach((product, rank) => {
      popularity[product] = (rank + 1) ** -POPULARITY_EXPONENT;
    });
  }
  const byKind = new Map<string, number[]>();
  drafts.forEach((d, i) => {
    const same = byKind.get(d.kind.key);
    if (same) same.push(i);
    else byKind.set(d.kind.key, [i]);
  });
  const complements = drafts.map((d) => designComplements(d, drafts, byKind, popularity, rng));
  return {
    products: drafts.map((d, i) => ({
      id: String(FIRST_PRODUCT_ID + i),
      variantId: String(FIRST_VARIANT_ID + i),
      title: d.title,
      category: CATEGORIES[d.category]!.name,
      vendor: d.vendor,
      tags: [...d.kind.tags, ...(d.cycleDays > 0 ? ["consumable"] : [])],
      price: d.cents / 100,
    })),
    cents: Int32Array.from(drafts, (d) => d.cents),
    cycleDays: Float64Array.from(drafts, (d) => d.cycleDays),
    season: Uint8Array.from(drafts, (d) =>
      d.kind.season === "holiday" ? HOLIDAY : d.kind.season ? SUMMER : 0,
    ),
    popularity,
    complements,
    bundles: designBundles(drafts, complements, popularity, rng),
    byCategory,
  };
}

/** Shop-like prices: mostly x.99, some x.50 and round numbers. */
function charmCents(price: number, rng: Rng): number {
  const whole = Math.max(1, Math.round(price)) * 100;
  const r = rng();
  return r < 0.7 ? whole - 1 : r < 0.9 ? whole - 50 : whole;
}

/**
 * One partner per paired kind, preferring a size match (a "02" dripper takes "02" filters, a 3-cup moka
 * pot its 3-cup gasket), and a popular one more often than not.
 */
function designComplements(
  draft: Draft,
  drafts: Draft[],
  byKind: Map<string, number[]>,
  popularity: Float64Array,
  rng: Rng,
) {
  const sizes = draft.label.split(" ").filter((token) => /\d/.test(token));
  const partners: Array<{ to: number; rate: number }> = [];
  for (const key of draft.kind.pairs ?? []) {
    const candidates = byKind.get(key) ?? [];
    const matching = candidates.filter((i) => drafts[i]!.label.split(" ").some((t) => sizes.includes(t)));
    const pool = matching.length > 0 ? matching : candidates;
    // Flattened popularity spreads the anchors of a big kind (a dozen teas) over its partners.
    const picked = drawIndex(rng, cumulative(pool.map((i) => Math.sqrt(popularity[i]!))));
    // Whoever re-buys tea mostly owns an infuser already: consumables pull their partners less often.
    const rate = (0.25 + 0.3 * rng()) * (draft.cycleDays > 0 ? 0.6 : 1);
    if (picked >= 0) partners.push({ to: pool[picked]!, rate });
  }
  return partners;
}

/**
 * Starter kits: a product with partners, up to two of them, and often one item from another shelf.
 * Anchors rotate through the paired kinds so the kits differ (a dripper kit, a tea kit, a gift box...).
 */
function designBundles(
  drafts: Draft[],
  complements: Catalog["complements"],
  popularity: Float64Array,
  rng: Rng,
): number[][] {
  const anchorsByKind = new Map<string, number[]>();
  drafts.forEach((d, i) => {
    if (complements[i]!.length === 0) return;
    const same = anchorsByKind.get(d.kind.key);
    if (same) same.push(i);
    else anchorsByKind.set(d.kind.key, [i]);
  });
  const kinds = shuffleInPlace(rng, [...anchorsByKind.values()]);
  const anchorCount = kinds.reduce((n, list) => n + list.length, 0);
  const count = Math.min(anchorCount, Math.max(1, Math.round(drafts.length / 30)));
  const shelves = drafts.flatMap((d, i) => (CATEGORIES[d.category]!.taste ? [i] : []));
  const bundles: number[][] = [];
  for (let b = 0; b < count * kinds.length && bundles.length < count; b++) {
    const kind = kinds[b % kinds.length]!;
    const picked = drawIndex(rng, cumulative(kind.map((i) => popularity[i]!)));
    if (picked < 0) continue;
    const anchor = kind[picked]!;
    kind.splice(picked, 1);
    const members = [anchor, ...complements[anchor]!.slice(0, 2).map((c) => c.to)];
    const others = shelves.filter((i) => drafts[i]!.category !== drafts[anchor]!.category);
    const extra = drawIndex(rng, cumulative(others.map((i) => popularity[i]!)));
    if (extra >= 0 && rng() < 0.7) members.push(others[extra]!);
    bundles.push([...new Set(members)]);
  }
  return bundles;
}
