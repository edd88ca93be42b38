/**
 * The recommendation engine's public surface: the one door the app, the worker, the scripts and
 * their tests import `~ml` through (a lint rule refuses `~ml/<file>` outside ml/).
 */
export { type OrderRow, parseOrderRows, readOrderRows } from "./csv";
export {
  type CsvError,
  type CsvRecord,
  csvTextOf,
  isCsvError,
  MAX_RECORD_BYTES,
  MAX_RECORD_LINES,
  openTextFile,
  readCsvRecords,
} from "./csv-reader";
export {
  buildDataset,
  type Catalog,
  type Dataset,
  groupByCustomer,
  numOrders,
  numProducts,
  orderProducts,
  selectOrders,
} from "./dataset";
export {
  type CatalogProduct,
  decodeEngine,
  type Engine,
  type EngineOffer,
  type EngineQuery,
  type HistoryEntry,
  type HoldoutMetrics,
  type TrainingInput,
  type TrainResult,
  trainEngine,
} from "./engine";
export { evaluateModel, formatReportTable, type ModelReport, type SegmentMetrics } from "./evaluate";
export { customerHistories, type History, historyOf, NO_HISTORY } from "./history";
export { readLines } from "./lines";
export { catalogCoverage, hitRate, ndcg, recall } from "./metrics";
export { BuyAgainRecommender } from "./models/buy-again";
export { type CoPurchaseOptions, CoPurchaseRecommender } from "./models/co-purchase";
export { ContentRecommender } from "./models/content";
export { type EaseOptions, EaseRecommender } from "./models/ease";
export { type HybridOptions, HybridRecommender } from "./models/hybrid";
export { SIGNALS, type Signal, type Weights } from "./models/hybrid-tuning";
export { type FactorizationOptions, FactorizationRecommender } from "./models/matrix-factorization";
export { PopularityRecommender } from "./models/popularity";
export { Ranker, type RankingData, trainRanker } from "./models/ranker";
export { describeReason, type Offer, type Reason } from "./models/reasons";
export { ORDER_LINES_HEADER } from "./order-lines-csv";
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
export {
  DEFAULT_DISCOUNT_LEVELS,
  type DiscountDecision,
  type DiscountSettings,
  decideDiscount,
  type LevelOutcome,
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
export { createRng, type Rng, shuffleInPlace } from "./random";
export { type Query, type Recommender, recommendTop, topK } from "./recommender";
export { buildQueries, type EvalQuery, type TemporalSplit, temporalSplit } from "./split";
export {
  generateSyntheticShop,
  type SyntheticProduct,
  type SyntheticShop,
  type SyntheticShopOptions,
  syntheticShopCsv,
} from "./synthetic-shop";
export { loadTf, type TfRuntime } from "./tf";
