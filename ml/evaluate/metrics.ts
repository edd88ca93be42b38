/**
 * Ranking metrics for one query: `ranked` is the top of the list (best first), `targets` the products
 * the shopper actually bought. Binary relevance; every metric is in [0, 1].
 */

/** 1 when any of the first k products is a target. */
export function hitRate(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  const end = Math.min(k, ranked.length);
  for (let i = 0; i < end; i++) if (targets.has(ranked[i]!)) return 1;
  return 0;
}

/** Hits in the first k, divided by min(k, |targets|) so that a perfect list scores 1. */
export function recall(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  const denominator = Math.min(k, targets.size);
  if (denominator === 0) return 0;
  const end = Math.min(k, ranked.length);
  let hits = 0;
  for (let i = 0; i < end; i++) if (targets.has(ranked[i]!)) hits++;
  return hits / denominator;
}

/** DCG of the first k over the ideal DCG of min(k, |targets|) hits at the top. */
export function ndcg(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  const ideal = Math.min(k, targets.size);
  if (ideal === 0) return 0;
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  const end = Math.min(k, ranked.length);
  let dcg = 0;
  for (let i = 0; i < end; i++) if (targets.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

/** Share of the catalog that appears in at least one of the lists. */
export function catalogCoverage(lists: Iterable<ArrayLike<number>>, catalogSize: number): number {
  if (catalogSize === 0) return 0;
  const seen = new Set<number>();
  for (const list of lists) for (let i = 0; i < list.length; i++) seen.add(list[i]!);
  return seen.size / catalogSize;
}
