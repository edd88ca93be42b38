/**
 * The recommendation engine's public surface: the one door the app, the worker, the scripts and
 * their tests import `~ml` through (a lint rule refuses `~ml/<file>` outside ml/).
 */

export { decodeEngine } from "./artifact/artifact";
export { type OrderRow, parseOrderRows, readOrderRows } from "./data/csv";
export {
  type CsvError,
  type CsvRecord,
  csvTextOf,
  isCsvError,
  MAX_RECORD_BYTES,
  MAX_RECORD_LINES,
  openTextFile,
  readCsvRecords,
} from "./data/csv-reader";
export {
  buildDataset,
  type Catalog,
  type Dataset,
  groupByCustomer,
  numOrders,
  numProducts,
  orderProducts,
  selectOrders,
} from "./data/dataset";
export { customerHistories, type History, historyOf, NO_HISTORY } from "./data/history";
export { readLines } from "./data/lines";
export { ORDER_LINES_HEADER } from "./data/order-lines-csv";
export { createRng, type Rng, shuffleInPlace } from "./data/random";
export { buildQueries, type EvalQuery, type TemporalSplit, temporalSplit } from "./data/split";
export {
  evaluateModel,
  formatReportTable,
  type ModelReport,
  measureRanking,
  type RankingMetrics,
  type RankQuery,
  type SegmentMetrics,
} from "./evaluate/evaluate";
export { catalogCoverage, hitRate, ndcg, recall } from "./evaluate/metrics";
export { type ModelHealth, measureModelHealth, populationStability } from "./evaluate/model-health";
export {
  type ArmStats,
  type BanditCandidate,
  type ChosenOffer,
  chooseOffers,
  DEFAULT_EXPLORE,
  type ExploreOptions,
  eligibleCandidates,
  type OfferChoice,
} from "./policy/bandit";
export { DISCOUNT_HISTORIES, type DiscountHistory, discountHistoryOf } from "./policy/discount-history";
export {
  type DiscountModel,
  type DiscountOutcome,
  fitDiscountModel,
  type OfferFeatures,
  type ShopperContext,
} from "./policy/discount-model";
export {
  DEFAULT_DISCOUNT_LEVELS,
  type DiscountDecision,
  type DiscountSettings,
  decideDiscount,
  MIN_IMPRESSIONS,
} from "./policy/discount-policy";
export {
  type Assignment,
  assignVariant,
  DEFAULT_HOLDOUT_SHARE,
  HOLDOUT,
  hashToUnit,
  type Variant,
} from "./policy/experiment-assignment";
export {
  bootstrapMeanDifference,
  type Comparison,
  describeSample,
  type MeanSample,
  type ProportionComparison,
  type ProportionSample,
  sampleSizePerArm,
  twoProportionZTest,
  type WelchComparison,
  welchTest,
} from "./policy/experiment-stats";
export {
  checkGuardrail,
  experimentVerdict,
  type GuardrailCheck,
  type Metric,
  type Verdict,
  type VerdictStatus,
} from "./policy/experiment-verdict";
export {
  ignoredPairs,
  MIN_IGNORED_IMPRESSIONS,
  type PairImpressions,
} from "./policy/ignored-pairs";
export { type OnlineRegression, onlineRegression } from "./policy/online-regression";
export {
  type Engine,
  type EngineOffer,
  type EngineQuery,
  type HistoryEntry,
  rankThroughEngine,
} from "./serve/engine";
export {
  generateSyntheticShop,
  SYNTHETIC_CSV_HEADER,
  type SyntheticProduct,
  type SyntheticShop,
  type SyntheticShopOptions,
  syntheticShopCsv,
} from "./simulation/synthetic-shop";
export { BuyAgainRecommender } from "./train/buy-again";
export { type CoPurchaseOptions, CoPurchaseRecommender } from "./train/co-purchase";
export { ContentRecommender } from "./train/content";
export { type EaseOptions, EaseRecommender } from "./train/ease";
export { type HybridOptions, HybridRecommender } from "./train/hybrid";
export { SIGNALS, type Signal, type Weights } from "./train/hybrid-tuning";
export { type FactorizationOptions, FactorizationRecommender } from "./train/matrix-factorization";
export { PopularityRecommender } from "./train/popularity";
export { Ranker, type RankingData } from "./train/ranker";
export { trainRanker } from "./train/ranker-training";
export type { Offer, Reason } from "./train/reasons";
export { type Query, type Recommender, recommendTop, topK } from "./train/recommender";
export { loadTf, type TfRuntime } from "./train/tf";
export {
  type CatalogProduct,
  type HoldoutMetrics,
  type TrainingInput,
  type TrainResult,
  trainEngine,
} from "./train/train-engine";
