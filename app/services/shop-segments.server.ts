import type { Db } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type SegmentSnapshot, SegmentSnapshotSchema, segmentRules } from "~/lib/segments";
import { logger } from "~/logger.server";
import {
  claimSegmentRefresh,
  segmentClock,
  segmentEvidence,
  segmentSizes,
  storeSegmentSnapshot,
} from "~/models/customer-segments.server";

/** How old a snapshot may grow before a server recomputes it; each training recomputes it too. */
const STALE_MS = 24 * 3_600_000;
/** How long one process's claim keeps others from recomputing the same shop. */
const CLAIM_MS = 10 * 60_000;

/**
 * Computes the shop's segment thresholds from its orders (ml-free rules in app/lib/segments.ts) and
 * how many customers each segment holds, and stores them on the shop. Up to about a second for half a
 * million order lines: run with trainings, daily, and never per checkout.
 */
export async function computeSegments(
  database: Db,
  { shopId, fileCatalog }: { shopId: string; fileCatalog: boolean },
): Promise<SegmentSnapshot> {
  const at = await segmentClock(database, { shopId, fileCatalog });
  const rules = segmentRules(await segmentEvidence(database, { shopId, at }));
  const sizes = await segmentSizes(database, { shopId, rules, at });
  const snapshot: SegmentSnapshot = {
    rules,
    sizes,
    at: at.toISOString(),
    historyEnd: fileCatalog,
    computedAt: new Date().toISOString(),
  };
  await storeSegmentSnapshot(database, { shopId, snapshot });
  return snapshot;
}

/**
 * The shop's stored segments: computed now when there are none yet (or they were read for another
 * kind of catalog), recomputed in the background by one process when over a day old.
 */
export async function shopSegments(
  database: Db,
  { shopId, fileCatalog, stored }: { shopId: string; fileCatalog: boolean; stored: unknown },
): Promise<SegmentSnapshot> {
  const parsed = SegmentSnapshotSchema.safeParse(stored);
  if (!parsed.success || parsed.data.historyEnd !== fileCatalog)
    return computeSegments(database, { shopId, fileCatalog });
  if (Date.now() - Date.parse(parsed.data.computedAt) > STALE_MS) {
    void claimSegmentRefresh(database, { shopId, forMs: CLAIM_MS })
      .then((claimed) => (claimed ? computeSegments(database, { shopId, fileCatalog }) : null))
      .catch((error: unknown) =>
        logger().warn({ shopId, error: describeError(error) }, "segments not recomputed"),
      );
  }
  return parsed.data;
}
