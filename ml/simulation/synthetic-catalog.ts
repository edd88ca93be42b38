// The synthetic shop's catalog, as a data table: categories made of product kinds; a kind's `pairs`
// name the kinds that complete it in a cart (a dripper brings its filters), and `cycleDays` marks
// consumables and how long a pack lasts.

export type Season = "holiday" | "summer";

export interface Kind {
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

export interface CategorySpec {
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

export const CATEGORIES: readonly CategorySpec[] = [
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
export const HOLIDAY = 1;
export const SUMMER = 2;
export const SEASONS = [0, HOLIDAY, SUMMER] as const;
