import { createRng, type Rng } from "../data/random";
/**
 * A seeded synthetic coffee-and-tea shop for demos, tests and benchmarks. Its orders carry structure a
 * recommender can learn: Zipf-like popularity, designed complementary pairs, bundles, customer taste,
 * consumables re-bought on a cycle, a holiday peak and a weekly rhythm. Same options, same output.
 */

export interface SyntheticProduct {
  /** numeric, like a Shopify product id, so the demo shop's products can be offered and added to carts */
  id: string;
  /** the product's one variant, numeric like a Shopify variant id */
  variantId: string;
  title: string;
  category: string;
  vendor: string;
  tags: string[];
  /** 2 decimals */
  price: number;
}

export interface SyntheticLine {
  productId: string;
  quantity: number;
  unitPrice: number;
}

export interface SyntheticOrder {
  id: string;
  /** null = guest checkout */
  customerId: string | null;
  /** ISO 8601 UTC, e.g. 2026-03-04T10:15:00Z */
  orderedAt: string;
  lines: SyntheticLine[];
}

export interface SyntheticShopOptions {
  seed?: number;
  /** catalog size, default 300 */
  products?: number;
  /** customer pool, default 2000 */
  customers?: number;
  /** number of orders, default 12000 */
  orders?: number;
  /** ISO date of the first day, default "2025-11-01" */
  start?: string;
  /** length of the date window, default 365 */
  days?: number;
  /** share of guest checkouts, default 0.15 */
  guestShare?: number;
}

export interface SyntheticShop {
  products: SyntheticProduct[];
  /** designed complementary pairs (a -> b means b is often added to a cart holding a) */
  complements: Array<[string, string]>;
  /** designed bundles: small groups of product ids that tend to be bought together */
  bundles: string[][];
  orders(): Generator<SyntheticOrder>;
}

const FIRST_PRODUCT_ID = 8_000_001_001;
const FIRST_VARIANT_ID = 9_000_001_001;

export const SYNTHETIC_CSV_HEADER =
  "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";

export function generateSyntheticShop(options: SyntheticShopOptions = {}): SyntheticShop {
  const config = resolveOptions(options);
  const catalog = buildCatalog(config.products, createRng(streamSeed(config.seed, 1)));
  const pool = buildCustomers(config, catalog, createRng(streamSeed(config.seed, 2)));
  return {
    products: catalog.products,
    complements: catalog.complements.flatMap((list, from) =>
      list.map(({ to }): [string, string] => [catalog.products[from]!.id, catalog.products[to]!.id]),
    ),
    bundles: catalog.bundles.map((members) => members.map((index) => catalog.products[index]!.id)),
    orders: () => generateOrders(config, catalog, pool),
  };
}

/** The shop's orders as CSV lines (no line terminators) in the shared order-lines format, header first. */
export function* syntheticShopCsv(shop: SyntheticShop): Generator<string> {
  yield SYNTHETIC_CSV_HEADER;
  const productTail = new Map(shop.products.map((p) => [p.id, [csvField(p.title), csvField(p.category)]]));
  for (const order of shop.orders()) {
    const head = `${csvField(order.id)},${csvField(order.customerId ?? "")}`;
    for (const line of order.lines) {
      const [title, category] = productTail.get(line.productId) ?? ["", ""];
      yield `${head},${csvField(line.productId)},${line.quantity},${line.unitPrice.toFixed(2)},${order.orderedAt},${title},${category}`;
    }
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// ---------------------------------------------------------------------------------------------
// Options

const DAY_MS = 86_400_000;

interface ShopConfig {
  seed: number;
  products: number;
  customers: number;
  orders: number;
  startMs: number;
  days: number;
  guestShare: number;
}

function resolveOptions(options: SyntheticShopOptions): ShopConfig {
  const config = {
    seed: options.seed ?? 1,
    products: options.products ?? 300,
    customers: options.customers ?? 2000,
    orders: options.orders ?? 12_000,
    startMs: startOfDay(options.start ?? "2025-11-01"),
    days: options.days ?? 365,
    guestShare: options.guestShare ?? 0.15,
  };
  if (!Number.isInteger(config.seed)) throw new RangeError("seed must be a whole number");
  atLeast("products", config.products, 1);
  atLeast("customers", config.customers, 0);
  atLeast("orders", config.orders, 0);
  atLeast("days", config.days, 1);
  if (Number.isNaN(config.startMs)) throw new RangeError("start must be an ISO date (YYYY-MM-DD)");
  if (!(config.guestShare >= 0 && config.guestShare <= 1)) {
    throw new RangeError("guestShare must be in [0, 1]");
  }
  return config;
}

function atLeast(name: string, value: number, min: number) {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number >= ${min}`);
  }
}

/** Midnight UTC of an ISO date ("2025-11-01") or of the day of an ISO date-time; NaN when invalid. */
function startOfDay(iso: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

// ---------------------------------------------------------------------------------------------
// Random numbers: mulberry32, with independent streams per stage so that changing one stage (say,
// the number of customers) does not reshuffle the catalog.

function streamSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i]!;
    sums[i] = total;
  }
  return sums;
}

/** Index drawn in proportion to the weights behind `sums[0..end)`; -1 when they are all zero. */
function drawIndex(rng: Rng, sums: Float64Array, end = sums.length): number {
  const total = end > 0 ? sums[end - 1]! : 0;
  if (total <= 0) return -1;
  const target = rng() * total;
  let lo = 0;
  let hi = end - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sums[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Splits `total` into integers proportional to `weights` that sum to `total`, by rounding the running
 * sum: 100 orders over a year land every few days rather than all on the busiest ones.
 */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  let given = 0;
  return weights.map((w) => {
    running += w;
    const upTo = sum > 0 ? Math.round((total * running) / sum) : 0;
    const count = upTo - given;
    given = upTo;
    return count;
  });
}

// ---------------------------------------------------------------------------------------------
// Catalog: categories made of product kinds; a kind's `pairs` name the kinds that complete it in a
// cart (a dripper brings its filters), and `cycleDays` marks consumables and how long a pack lasts.

type Season = "holiday" | "summer";

interface Kind {
  key: string;
  names: readonly string[];
  /** title suffix and price multiplier (a 1kg bag costs more and lasts longer than 250g) */
  variants: ReadonlyArray<readonly [string, number]>;
  price: readonly [number, number];
  tags: readonly string[];
  cycleDays?: number;
  pairs?: readonly string[];
  season?: Season;
}

interface CategorySpec {
  name: string;
  /** share of the catalog */
  share: number;
  /** share of the items shoppers pick on an ordinary day */
  demand: number;
  /** can be a customer's favourite */
  taste: boolean;
  vendors: readonly string[];
  kinds: readonly Kind[];
}

const ONE: ReadonlyArray<readonly [string, number]> = [["", 1]];
const BAG_SIZES = [
  ["Beans 250g", 1],
  ["Ground 250g", 1],
  ["Beans 500g", 1.8],
  ["Beans 1kg", 3.2],
] as const;

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: "Coffee Beans",
    share: 0.25,
    demand: 0.25,
    taste: true,
    vendors: ["Northbound Roasters", "Fieldwork Coffee Co.", "Little Hill Roastery"],
    kinds: [
      {
        key: "single-origin",
        names: [
          "Ethiopia Yirgacheffe",
          "Ethiopia Guji",
          "Kenya Nyeri",
          "Colombia Huila",
          "Brazil Cerrado",
          "Guatemala Antigua",
          "Costa Rica Tarrazú",
          "Sumatra Mandheling",
          "Rwanda Kivu",
          "Peru Cajamarca",
          "Honduras Santa Bárbara",
          "Burundi Kayanza",
          "Panama Boquete",
          "Mexico Chiapas",
          "Yemen Haraz",
        ],
        variants: BAG_SIZES,
        price: [13, 19],
        tags: ["coffee", "single-origin"],
        cycleDays: 21,
      },
      {
        key: "blend",
        names: [
          "House Espresso Blend",
          "Breakfast Blend",
          "Dark Roast Blend",
          "Decaf Swiss Water",
          "Cold Brew Blend",
          "Mocha Java Blend",
        ],
        variants: BAG_SIZES,
        price: [11, 15],
        tags: ["coffee", "blend"],
        cycleDays: 21,
      },
    ],
  },
  {
    name: "Tea",
    share: 0.12,
    demand: 0.11,
    taste: true,
    vendors: ["Leaf & Kettle", "Tea Atelier"],
    kinds: [
      {
        key: "loose-tea",
        names: [
          "Darjeeling First Flush",
          "Assam Breakfast",
          "Earl Grey",
          "Sencha",
          "Jasmine Pearls",
          "Rooibos Vanilla",
          "Chamomile",
          "Oolong Tie Guan Yin",
          "Chai Masala",
          "Lapsang Souchong",
          "Genmaicha",
          "White Peony",
          "Yunnan Black",
          "Hojicha",
        ],
        variants: [
          ["Loose Leaf 100g", 1],
          ["Loose Leaf 250g", 2.1],
        ],
        price: [7, 12],
        tags: ["tea", "loose-leaf"],
        cycleDays: 30,
        pairs: ["infuser"],
      },
      {
        key: "tea-bags",
        names: ["Earl Grey", "English Breakfast", "Peppermint", "Lemon Green", "Chamomile"],
        variants: [
          ["Tea Bags x20", 1],
          ["Tea Bags x50", 2],
        ],
        price: [5, 7],
        tags: ["tea", "tea-bags"],
        cycleDays: 25,
      },
    ],
  },
  {
    name: "Brewing Gear",
    share: 0.1,
    demand: 0.07,
    taste: true,
    vendors: ["Brewline", "Copper Kettle Works", "Pourwell"],
    kinds: [
      {
        key: "dripper",
        names: ["Ceramic Pour-Over Dripper", "Glass Pour-Over Dripper", "Plastic Pour-Over Dripper"],
        variants: [
          ["01", 1],
          ["02", 1.1],
        ],
        price: [16, 32],
        tags: ["pour-over", "brewer"],
        pairs: ["cone-filter", "single-origin"],
      },
      {
        key: "flat-dripper",
        names: ["Flat-Bottom Dripper, Steel", "Flat-Bottom Dripper, Glass"],
        variants: [
          ["155", 1],
          ["185", 1.15],
        ],
        price: [28, 38],
        tags: ["pour-over", "brewer"],
        pairs: ["wave-filter"],
      },
      {
        key: "carafe-brewer",
        names: ["Glass Carafe Brewer"],
        variants: [
          ["3-Cup", 1],
          ["6-Cup", 1.2],
          ["8-Cup", 1.35],
        ],
        price: [38, 46],
        tags: ["pour-over", "brewer"],
        pairs: ["bonded-filter", "single-origin"],
      },
      {
        key: "french-press",
        names: ["French Press", "Double-Wall French Press"],
        variants: [
          ["350ml", 1],
          ["600ml", 1.2],
          ["1L", 1.4],
        ],
        price: [22, 34],
        tags: ["immersion", "brewer"],
        pairs: ["blend"],
      },
      {
        key: "travel-press",
        names: ["Travel Press Brewer", "Travel Press Brewer Go"],
        variants: ONE,
        price: [32, 42],
        tags: ["immersion", "brewer", "travel"],
        pairs: ["micro-filter"],
      },
      {
        key: "moka",
        names: ["Stovetop Moka Pot", "Induction Moka Pot"],
        variants: [
          ["3-Cup", 1],
          ["6-Cup", 1.25],
        ],
        price: [28, 42],
        tags: ["espresso", "brewer"],
        pairs: ["gasket", "blend"],
      },
      {
        key: "kettle",
        names: ["Gooseneck Kettle", "Electric Gooseneck Kettle, Variable Temp"],
        variants: [
          ["0.6L", 1],
          ["1L", 1.2],
        ],
        price: [39, 89],
        tags: ["kettle"],
        pairs: ["dripper"],
      },
      {
        key: "grinder",
        names: ["Hand Grinder, Steel Burr", "Hand Grinder, Ceramic Burr", "Electric Burr Grinder"],
        variants: ONE,
        price: [45, 129],
        tags: ["grinder"],
        pairs: ["single-origin"],
      },
      {
        key: "cold-brew-maker",
        names: ["Cold Brew Maker"],
        variants: [
          ["1L", 1],
          ["2L", 1.3],
        ],
        price: [28, 36],
        tags: ["cold-brew", "brewer"],
        pairs: ["cold-brew-bags"],
      },
      {
        key: "scale",
        names: ["Brewing Scale with Timer", "Pocket Scale, 0.1g"],
        variants: ONE,
        price: [22, 45],
        tags: ["scale"],
      },
    ],
  },
  {
    name: "Filters",
    share: 0.06,
    demand: 0.04,
    taste: false,
    vendors: ["Pourwell", "Brewline"],
    kinds: [
      {
        key: "cone-filter",
        names: ["Cone Paper Filters"],
        variants: [
          ["01 White x100", 1],
          ["01 Natural x100", 1],
          ["02 White x100", 1.1],
          ["02 Natural x100", 1.1],
          ["02 White x200", 1.9],
        ],
        price: [5, 7],
        tags: ["paper-filter", "pour-over"],
        cycleDays: 45,
      },
      {
        key: "wave-filter",
        names: ["Wave Paper Filters"],
        variants: [
          ["155 x50", 1],
          ["185 x50", 1.1],
          ["185 x100", 1.9],
        ],
        price: [7, 9],
        tags: ["paper-filter", "pour-over"],
        cycleDays: 40,
      },
      {
        key: "bonded-filter",
        names: ["Square Bonded Filters", "Round Bonded Filters"],
        variants: [
          ["x100", 1],
          ["x200", 1.9],
        ],
        price: [9, 12],
        tags: ["paper-filter"],
        cycleDays: 50,
      },
      {
        key: "micro-filter",
        names: ["Micro Paper Filters"],
        variants: [
          ["x350", 1],
          ["x700", 1.8],
        ],
        price: [6, 8],
        tags: ["paper-filter", "travel"],
        cycleDays: 90,
      },
      {
        key: "cold-brew-bags",
        names: ["Cold Brew Filter Bags"],
        variants: [
          ["x50", 1],
          ["x100", 1.8],
        ],
        price: [7, 9],
        tags: ["cold-brew"],
        cycleDays: 60,
      },
      {
        key: "basket-filter",
        names: ["Basket Paper Filters 8-12 Cup"],
        variants: [
          ["x100", 1],
          ["x200", 1.8],
        ],
        price: [4, 6],
        tags: ["paper-filter"],
        cycleDays: 50,
      },
    ],
  },
  {
    name: "Mugs & Cups",
    share: 0.1,
    demand: 0.1,
    taste: true,
    vendors: ["Clayhouse Ceramics", "Campfire Enamel"],
    kinds: [
      {
        key: "mug",
        names: [
          "Stoneware Mug",
          "Enamel Camp Mug",
          "Speckled Mug",
          'Mug "Good Morning"',
          "Diner Mug",
          "Tulip Cup",
        ],
        variants: [
          ["Sand 350ml", 1],
          ["Charcoal 350ml", 1],
          ["Sage 350ml", 1],
          ["White 250ml", 0.9],
        ],
        price: [14, 22],
        tags: ["mug"],
        pairs: ["coaster"],
      },
      {
        key: "travel-mug",
        names: ["Insulated Travel Mug", "Reusable Cup, Cork Band"],
        variants: [
          ["340ml", 1],
          ["470ml", 1.15],
        ],
        price: [18, 28],
        tags: ["mug", "travel"],
      },
      {
        key: "glassware",
        names: ["Espresso Cups, Set of 2", "Cortado Glasses, Set of 4", "Double-Wall Glass Cups, Set of 2"],
        variants: ONE,
        price: [16, 28],
        tags: ["glassware"],
      },
    ],
  },
  {
    name: "Snacks",
    share: 0.1,
    demand: 0.12,
    taste: true,
    vendors: ["Crumb & Co.", "Nonna's Biscotti"],
    kinds: [
      {
        key: "biscotti",
        names: [
          "Biscotti, Almond & Orange",
          "Biscotti, Dark Chocolate",
          "Amaretti",
          "Cantucci, Pistachio",
          "Biscotti, Cranberry",
        ],
        variants: [
          ["200g", 1],
          ["400g", 1.8],
        ],
        price: [6, 9],
        tags: ["snack", "baked"],
        cycleDays: 18,
      },
      {
        key: "chocolate",
        names: [
          "Dark Chocolate Bar 70%",
          "Milk Chocolate, Sea Salt",
          "Coffee Bean Chocolate Thins",
          "Hazelnut Praline Bar",
          "White Chocolate, Raspberry",
        ],
        variants: [
          ["100g", 1],
          ["3-Pack", 2.7],
        ],
        price: [4, 7],
        tags: ["snack", "chocolate"],
        cycleDays: 14,
      },
      {
        key: "cookies",
        names: [
          "Stroopwafels",
          "Shortbread Fingers",
          "Oat & Honey Cookies",
          "Ginger Snaps",
          "Florentines",
          "Cardamom Buns",
        ],
        variants: [
          ["x8", 1],
          ["x16", 1.8],
        ],
        price: [5, 8],
        tags: ["snack", "baked"],
        cycleDays: 18,
      },
    ],
  },
  {
    name: "Gift Sets",
    share: 0.06,
    demand: 0.03,
    taste: false,
    vendors: ["Morning Ritual"],
    kinds: [
      {
        key: "gift-set",
        names: [
          "Gift Box: Beans, Mug & Biscotti",
          "Pour-Over Starter Kit",
          "Tea Lover's Gift Set",
          "Espresso Sampler, 3 x 100g",
          "Coffee Discovery Box",
          "Chocolate & Coffee Pairing Box",
          "Cold Brew Starter Kit",
          "Afternoon Tea Hamper",
        ],
        variants: [
          ["Mini", 0.6],
          ["Classic", 1],
          ["Deluxe", 1.6],
        ],
        price: [32, 58],
        tags: ["gift"],
        pairs: ["gift-wrap"],
      },
    ],
  },
  {
    name: "Accessories",
    share: 0.08,
    demand: 0.07,
    taste: true,
    vendors: ["Brewline", "Morning Ritual"],
    kinds: [
      {
        key: "infuser",
        names: [
          "Tea Infuser Ball",
          "Tea Infuser Basket",
          "Glass Teapot with Infuser",
          "Cast Iron Teapot, 0.8L",
        ],
        variants: ONE,
        price: [8, 34],
        tags: ["tea", "infuser"],
      },
      {
        key: "coaster",
        names: ["Cork Coasters, Set of 4", "Slate Coasters, Set of 4", "Walnut Coasters, Set of 2"],
        variants: ONE,
        price: [9, 15],
        tags: ["coaster"],
      },
      {
        key: "gift-wrap",
        names: ["Gift Wrap, Kraft Paper", "Greeting Card"],
        variants: ONE,
        price: [3, 5],
        tags: ["gift"],
      },
      {
        key: "storage",
        names: ["Airtight Coffee Canister", "Coffee Storage Tin", "Vacuum Bean Vault"],
        variants: [
          ["500g", 1],
          ["1kg", 1.3],
        ],
        price: [16, 26],
        tags: ["storage"],
      },
      {
        key: "cleaning",
        names: ["Descaling Powder", "Brewer Cleaning Tablets", "Cleaning Brush Set"],
        variants: ONE,
        price: [8, 12],
        tags: ["cleaning"],
        cycleDays: 90,
      },
      {
        key: "gasket",
        names: ["Moka Pot Gasket Set"],
        variants: [
          ["3-Cup", 1],
          ["6-Cup", 1.1],
        ],
        price: [5, 7],
        tags: ["espresso", "spare-part"],
      },
      {
        key: "scoop",
        names: ["Coffee Scoop, Walnut", "Handheld Milk Frother", "Latte Art Pitcher 350ml", "Dosing Cup"],
        variants: ONE,
        price: [7, 24],
        tags: ["tool"],
      },
    ],
  },
  {
    name: "Seasonal",
    share: 0.06,
    demand: 0.05,
    taste: false,
    vendors: ["Morning Ritual", "Crumb & Co."],
    kinds: [
      {
        key: "holiday",
        names: [
          "Winter Spice Blend Beans 250g",
          "Gingerbread Syrup",
          'Holiday Mug "Snowfall"',
          "Advent Calendar, 24 Coffees",
          "Peppermint Bark",
          "Mulled Spice Tea",
          "Panettone, Classic",
          "Christmas Blend Beans 500g",
          "Candy Cane Cocoa",
        ],
        variants: [
          ["", 1],
          ["Gift Tin", 1.5],
        ],
        price: [8, 34],
        tags: ["holiday", "limited"],
        season: "holiday",
      },
      {
        key: "summer",
        names: ["Iced Coffee Tumbler", "Cold Brew Concentrate 1L", "Peach Iced Tea", "Summer Fruit Iced Tea"],
        variants: ONE,
        price: [8, 24],
        tags: ["summer", "limited"],
        season: "summer",
      },
    ],
  },
  {
    name: "Syrups",
    share: 0.07,
    demand: 0.09,
    taste: true,
    vendors: ["Sweet Drop", "Morning Ritual"],
    kinds: [
      {
        key: "syrup",
        names: [
          "Vanilla Syrup",
          "Caramel Syrup",
          "Hazelnut Syrup",
          "Salted Caramel Syrup",
          "Sugar-Free Vanilla Syrup",
          "Maple Syrup, Grade A",
          "Lavender Syrup",
          "Irish Cream Syrup",
          "Coconut Syrup",
          "Cinnamon Syrup",
          "Honey, Wildflower",
          "Chocolate Sauce",
        ],
        variants: [
          ["250ml", 1],
          ["750ml", 2.2],
        ],
        price: [6, 10],
        tags: ["syrup"],
        cycleDays: 40,
      },
    ],
  },
];

/** Season of a day or of a product: 0 none, 1 the holiday run-up, 2 summer. */
const HOLIDAY = 1;
const SUMMER = 2;
const SEASONS = [0, HOLIDAY, SUMMER] as const;

interface Catalog {
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

function buildCatalog(size: number, rng: Rng): Catalog {
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
    shuffle(rng, combos);
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
  shuffle(rng, drafts);

  const byCategory = CATEGORIES.map((): number[] => []);
  drafts.forEach((d, i) => {
    byCategory[d.category]!.push(i);
  });
  // Zipf-like within each shelf: a few best sellers and a long tail.
  const popularity = new Float64Array(drafts.length);
  for (const shelf of byCategory) {
    shuffle(rng, [...shelf]).forEach((product, rank) => {
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
  const kinds = shuffle(rng, [...anchorsByKind.values()]);
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

// ---------------------------------------------------------------------------------------------
// Customers: a heavy-tailed activity level (most buy once or twice, a few every week or two) and one to
// three favourite categories. Some customers predate the window; the rest are acquired over it, each
// with a first order, in id order as in a real shop.

const ACTIVITY_SPREAD = 1.3;
/** caps the most loyal customer at roughly an order every few days */
const ACTIVITY_CAP = 25;
const FOUNDING_SHARE = 0.3;
const TASTE_SLOTS = 3;

interface CustomerPool {
  count: number;
  /** customers known before the window opens */
  founders: number;
  /** cumulative activity in id order, so the customers acquired so far are a prefix */
  activity: Float64Array;
  /** TASTE_SLOTS favourite categories per customer, -1 for an empty slot */
  taste: Int8Array;
  tasteCount: Uint8Array;
  loyalty: Float32Array;
}

function buildCustomers(config: ShopConfig, catalog: Catalog, rng: Rng): CustomerPool {
  const count = config.customers;
  const founders = Math.floor(count * FOUNDING_SHARE);
  const shelves = CATEGORIES.flatMap((c, i) => (c.taste && catalog.byCategory[i]!.length > 0 ? [i] : []));
  const weights = new Float64Array(count);
  const taste = new Int8Array(count * TASTE_SLOTS).fill(-1);
  const tasteCount = new Uint8Array(count);
  const loyalty = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    weights[i] = Math.min(ACTIVITY_CAP, Math.exp(ACTIVITY_SPREAD * gaussian(rng)));
    const r = rng();
    const wanted = Math.min(shelves.length, r < 0.45 ? 1 : r < 0.85 ? 2 : 3);
    const left = shelves.map((c) => CATEGORIES[c]!.demand);
    for (let t = 0; t < wanted; t++) {
      const picked = drawIndex(rng, cumulative(left));
      left[picked] = 0;
      taste[i * TASTE_SLOTS + t] = shelves[picked]!;
    }
    tasteCount[i] = wanted;
    loyalty[i] = 0.55 + 0.35 * rng();
  }
  return { count, founders, activity: cumulative(weights), taste, tasteCount, loyalty };
}

// ---------------------------------------------------------------------------------------------
// Calendar: daily volume with a weekly rhythm, slow growth, a Black Friday weekend and a December peak.

/** Sunday first, as Date.getUTCDay counts */
const WEEKDAY_VOLUME = [1.05, 1.1, 1, 1, 0.95, 0.9, 0.85];
const HOUR_SUMS = cumulative([
  2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 14, 13, 12, 12, 13, 14, 16, 18, 18, 15, 10, 5,
]);

interface Day {
  /** "YYYY-MM-DDT" */
  prefix: string;
  season: number;
  sale: boolean;
  volume: number;
}

function buildCalendar({ startMs, days }: ShopConfig): Day[] {
  return Array.from({ length: days }, (_, d) => {
    const ms = startMs + d * DAY_MS;
    const date = new Date(ms);
    const month = date.getUTCMonth();
    const dom = date.getUTCDate();
    const blackFriday = Date.UTC(date.getUTCFullYear(), 10, blackFridayDate(date.getUTCFullYear()));
    const sale = ms >= blackFriday && ms < blackFriday + 4 * DAY_MS;
    const saleWeek = ms >= blackFriday - 7 * DAY_MS && ms < blackFriday;
    const season =
      (month === 10 && dom >= 15) || (month === 11 && dom <= 24)
        ? HOLIDAY
        : month >= 5 && month <= 7
          ? SUMMER
          : 0;
    return {
      prefix: date.toISOString().slice(0, 11),
      season,
      sale,
      volume:
        monthVolume(month, dom, sale, saleWeek) * WEEKDAY_VOLUME[date.getUTCDay()]! * (1 + (0.25 * d) / days),
    };
  });
}

/** Day of November after the fourth Thursday. */
function blackFridayDate(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  return 1 + ((4 - firstWeekday + 7) % 7) + 21 + 1;
}

function monthVolume(month: number, dom: number, sale: boolean, saleWeek: boolean): number {
  if (sale) return 2.2;
  if (saleWeek) return 1.25;
  if (month === 11) {
    if (dom <= 22) return 1.7 + (0.8 * (dom - 1)) / 21;
    if (dom <= 24) return 1.5;
    return dom === 25 ? 0.6 : 1.1;
  }
  if (month === 0) return 0.8;
  if (month === 1 || (month >= 5 && month <= 7)) return 0.9;
  return 1;
}

/** Gift sets sell in the run-up to the holidays; seasonal lines mostly in their own season. */
function categoryBoost(spec: CategorySpec, season: number): number {
  if (spec.name === "Gift Sets") return season === HOLIDAY ? 5 : 1;
  if (spec.name === "Seasonal") return season === HOLIDAY ? 3 : season === SUMMER ? 1.5 : 0.3;
  return 1;
}

function productBoost(productSeason: number, daySeason: number): number {
  if (productSeason === 0) return 1;
  return productSeason === daySeason ? 3 : 0.05;
}

// ---------------------------------------------------------------------------------------------
// Orders, one day at a time and in time order, so a year of a large shop streams in constant memory
// (beyond per-customer state).

const MAX_LINES = 8;
/** lines per order 1..8, median 3 */
const LINE_COUNT_SUMS = cumulative([18, 24, 22, 14, 9, 6, 4, 3]);
const STAPLE_SLOTS = 4;

function* generateOrders(
  config: ShopConfig,
  catalog: Catalog,
  pool: CustomerPool,
): Generator<SyntheticOrder> {
  const rng = createRng(streamSeed(config.seed, 3));
  const calendar = buildCalendar(config);
  const perDay = apportion(
    config.orders,
    calendar.map((d) => d.volume),
  );
  const shelfSums = SEASONS.map((season) =>
    cumulative(
      CATEGORIES.map((c, i) => (catalog.byCategory[i]!.length > 0 ? c.demand * categoryBoost(c, season) : 0)),
    ),
  );
  const productSums = SEASONS.map((season) =>
    catalog.byCategory.map((list) =>
      cumulative(list.map((p) => catalog.popularity[p]! * productBoost(catalog.season[p]!, season))),
    ),
  );
  const staples = new Staples(pool.count);
  const basket = new Basket();
  const pickShelf = (customer: number, season: number): number => {
    const loyalty =
      customer < 0 || pool.tasteCount[customer] === 0
        ? 0
        : pool.loyalty[customer]! * (season === HOLIDAY ? 0.6 : 1);
    if (rng() < loyalty) {
      return pool.taste[customer * TASTE_SLOTS + Math.floor(rng() * pool.tasteCount[customer]!)]!;
    }
    return drawIndex(rng, shelfSums[season]!);
  };

  let orderNumber = 0;
  let acquired = pool.founders;
  const customerOrders = config.orders * (1 - config.guestShare);
  for (let day = 0; day < calendar.length; day++) {
    const { prefix, season, sale } = calendar[day]!;
    const seconds = new Int32Array(perDay[day]!).map(
      () => drawIndex(rng, HOUR_SUMS) * 3600 + Math.floor(rng() * 3600),
    );
    seconds.sort();

    for (const second of seconds) {
      let customer = -1;
      if (pool.count > 0 && rng() >= config.guestShare) {
        // Acquire the remaining customers evenly over the remaining orders; otherwise one comes back.
        const waiting = pool.count - acquired;
        const ahead = customerOrders * (1 - orderNumber / config.orders);
        const isNew = waiting > 0 && (acquired === 0 || rng() * ahead < waiting);
        customer = isNew ? acquired++ : drawIndex(rng, pool.activity, acquired);
      }
      const target = drawIndex(rng, LINE_COUNT_SUMS) + 1;
      basket.clear();
      if (customer >= 0) {
        for (const product of staples.due(customer, day, catalog.cycleDays, rng)) {
          if (rng() < 0.8) basket.add(product);
        }
      }
      if (catalog.bundles.length > 0 && rng() < (season === HOLIDAY ? 0.08 : 0.04)) {
        for (const product of catalog.bundles[Math.floor(rng() * catalog.bundles.length)]!) {
          if (rng() < 0.85) basket.add(product);
        }
      }
      for (let attempt = 0; basket.size < target && attempt < 4 * MAX_LINES; attempt++) {
        const shelf = pickShelf(customer, season);
        const product = catalog.byCategory[shelf]![drawIndex(rng, productSums[season]![shelf]!)]!;
        if (!basket.add(product)) continue;
        for (const { to, rate } of catalog.complements[product]!) {
          if (rng() < rate) basket.add(to);
        }
      }

      const lines: SyntheticLine[] = [];
      for (const product of basket.items()) {
        const consumable = catalog.cycleDays[product]! > 0;
        if (customer >= 0 && consumable) staples.remember(customer, product, day);
        lines.push({
          productId: catalog.products[product]!.id,
          quantity: drawQuantity(rng, consumable),
          unitPrice: discounted(catalog.cents[product]!, rng, sale),
        });
      }
      orderNumber++;
      yield {
        id: `S${100_000 + orderNumber}`,
        customerId: customer < 0 ? null : `C${100_001 + customer}`,
        orderedAt: `${prefix}${clock(second)}Z`,
        lines,
      };
    }
  }
}

/** Up to MAX_LINES distinct products. */
class Basket {
  private readonly slots = new Int32Array(MAX_LINES);
  size = 0;

  clear() {
    this.size = 0;
  }

  add(product: number): boolean {
    if (this.size >= MAX_LINES || this.items().includes(product)) return false;
    this.slots[this.size++] = product;
    return true;
  }

  items(): Int32Array {
    return this.slots.subarray(0, this.size);
  }
}

/** The consumables each customer last bought and when, re-bought once a pack has about run out. */
class Staples {
  private readonly product: Int32Array;
  private readonly day: Int32Array;

  constructor(customers: number) {
    this.product = new Int32Array(customers * STAPLE_SLOTS).fill(-1);
    this.day = new Int32Array(customers * STAPLE_SLOTS);
  }

  due(customer: number, today: number, cycleDays: Float64Array, rng: Rng): number[] {
    const due: number[] = [];
    for (let s = customer * STAPLE_SLOTS; s < (customer + 1) * STAPLE_SLOTS; s++) {
      const product = this.product[s]!;
      if (product >= 0 && today - this.day[s]! >= cycleDays[product]! * (0.8 + 0.4 * rng()))
        due.push(product);
    }
    return due;
  }

  /** Refreshes the product's slot, or takes an empty one, or replaces the longest-unbought staple. */
  remember(customer: number, product: number, today: number) {
    const first = customer * STAPLE_SLOTS;
    let slot = first;
    for (let s = first; s < first + STAPLE_SLOTS; s++) {
      if (this.product[s] === product || this.product[s] === -1) {
        slot = s;
        break;
      }
      if (this.day[s]! < this.day[slot]!) slot = s;
    }
    this.product[slot] = product;
    this.day[slot] = today;
  }
}

function drawQuantity(rng: Rng, consumable: boolean): number {
  const r = rng();
  if (consumable) return r < 0.72 ? 1 : r < 0.92 ? 2 : 3;
  return r < 0.93 ? 1 : r < 0.99 ? 2 : 3;
}

/** List price, now and then 10-20% off; far more often over the Black Friday weekend. */
function discounted(cents: number, rng: Rng, sale: boolean): number {
  if (rng() >= (sale ? 0.35 : 0.05)) return cents / 100;
  const off = [0.1, 0.15, 0.2][Math.floor(rng() * 3)]!;
  return Math.round(cents * (1 - off)) / 100;
}

function clock(second: number): string {
  const hh = Math.floor(second / 3600);
  const mm = Math.floor((second % 3600) / 60);
  const ss = second % 60;
  return `${hh < 10 ? "0" : ""}${hh}:${mm < 10 ? "0" : ""}${mm}:${ss < 10 ? "0" : ""}${ss}`;
}
