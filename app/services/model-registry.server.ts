import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "~/db.server";
import { AppError } from "~/lib/errors";
import { decidePromotion, type HoldoutMetrics, HoldoutMetricsSchema } from "~/lib/model-promotion";
import {
  dropArtifactsBefore,
  findLiveVersion,
  findVersion,
  insertCandidate,
  latestVersion,
  listVersions,
  lockShopModels,
  makeLive,
  previousLiveVersion,
  pruneArtifacts,
  reject,
  retire,
} from "~/models/model-versions.server";
import { requireShop } from "~/models/shops.server";
import {
  firstVersionWithoutErased,
  markRedactionsApplied,
  type PendingRedaction,
} from "~/models/training-runs.server";
import { announceServingChange } from "~/serving/serving.server";

export interface TrainedModel {
  metrics: HoldoutMetrics;
  /**
   * The candidate and the live version measured on the holdout checkouts of orders placed after the
   * live version's data, when there were enough of them
   */
  challenge?: { version: number; candidate: HoldoutMetrics; champion: HoldoutMetrics } | null;
  params: Record<string, unknown>;
  window: { from: Date | null; to: Date | null; orders: number; products: number; customers: number };
  trainSeconds: number;
  bytes: Uint8Array;
}

export interface Registration {
  id: string;
  version: number;
  status: "live" | "rejected";
  note: string;
}

/**
 * Stores a trained model as the shop's next version and decides, in the same transaction, whether
 * it goes live (see decidePromotion) or is kept as rejected; the previous live version is retired.
 * Then drops the artifacts of all but the `keep` most recent versions (never the live one's).
 *
 * `redactions` are the erasures pending when the model's data was read, so it is trained without
 * those customers: it goes live even if it measures worse (the live one holds them), the older
 * versions' artifacts go, and the redactions are marked applied by this version.
 */
export async function registerModel(
  database: Db,
  {
    shopId,
    model,
    keep,
    redactions = [],
  }: { shopId: string; model: TrainedModel; keep: number; redactions?: PendingRedaction[] },
): Promise<Registration> {
  const metrics = HoldoutMetricsSchema.parse(model.metrics);
  return database.$transaction(
    async (tx) => {
      await lockShopModels(tx, shopId);
      const candidate = await insertCandidate(tx, {
        id: randomUUID(),
        shopId,
        dataFrom: model.window.from,
        dataTo: model.window.to,
        orderCount: model.window.orders,
        productCount: model.window.products,
        customerCount: model.window.customers,
        params: model.params as Prisma.InputJsonValue,
        metrics,
        trainSeconds: model.trainSeconds,
        bytes: model.bytes,
      });
      const live = await findLiveVersion(tx, shopId);
      // The live version as measured on the candidate's holdout, when it is still the live one.
      const fresh = model.challenge && model.challenge.version === live?.version ? model.challenge : null;
      const decision = decidePromotion({
        candidate: metrics,
        live: live
          ? {
              version: live.version,
              metrics: HoldoutMetricsSchema.parse(live.metrics),
              unseen: fresh
                ? {
                    candidate: HoldoutMetricsSchema.parse(fresh.candidate),
                    live: HoldoutMetricsSchema.parse(fresh.champion),
                  }
                : null,
              holdsErased: redactions.length > 0,
            }
          : null,
      });
      if (decision.promote) await makeLive(tx, { shopId, id: candidate.id, note: decision.note });
      else await reject(tx, { id: candidate.id, note: decision.note });
      if (redactions.length > 0) {
        await dropArtifactsBefore(tx, { shopId, version: candidate.version });
        await markRedactionsApplied(tx, { redactions, version: candidate.version });
      }
      await pruneArtifacts(tx, { shopId, keep });
      return {
        id: candidate.id,
        version: candidate.version,
        status: decision.promote ? "live" : "rejected",
        note: decision.note,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * For a training after an erasure that stores no version (too little data is left): every version
 * so far may hold the erased customers, so the live one is retired (offers fall back to popular
 * products), their artifacts go, and the redactions are marked applied as of the next version.
 * Returns the retired version, or null when none was live.
 */
export async function retireErasedModels(
  database: Db,
  { shopId, redactions }: { shopId: string; redactions: PendingRedaction[] },
): Promise<number | null> {
  if (redactions.length === 0) return null;
  return database.$transaction(async (tx) => {
    await lockShopModels(tx, shopId);
    const live = await findLiveVersion(tx, shopId);
    if (live) await retire(tx, live.id);
    const next = (await latestVersion(tx, shopId)) + 1;
    await dropArtifactsBefore(tx, { shopId, version: next });
    await markRedactionsApplied(tx, { redactions, version: next });
    return live?.version ?? null;
  });
}

/**
 * Makes an earlier version live again, whatever became of it (retired or rejected), retiring the
 * live one; servers serve it from their next checkout on. Its artifact must still be kept, and it must
 * not be trained on a customer erased since (see firstVersionWithoutErased).
 */
export async function restoreVersion(
  database: Db,
  { shopDomain, version }: { shopDomain: string; version: number },
) {
  const shop = await requireShop(database, shopDomain);
  const restored = await database.$transaction(async (tx) => {
    await lockShopModels(tx, shop.id);
    const target = await findVersion(tx, { shopId: shop.id, version });
    if (!target) throw new AppError("NOT_FOUND", `${shopDomain} has no model version ${version}.`);
    if (target.status === "live") return { version, status: "live" as const, changed: false };
    const first = await firstVersionWithoutErased(tx, shop.id);
    if (first === null || version < first) {
      throw new AppError(
        "CONFLICT",
        `Version ${version} was trained before a customer's data was erased; it cannot be restored. ` +
          (first === null
            ? "A training without that customer is on its way and replaces the live model."
            : `Versions from ${first} on can be.`),
      );
    }
    if (!target.artifactLocation) {
      throw new AppError(
        "CONFLICT",
        `Version ${version}'s artifact is no longer kept; it cannot be restored.`,
      );
    }
    const note = restoredNote(target.status, target.decisionNote);
    await makeLive(tx, { shopId: shop.id, id: target.id, note });
    return { version, status: "live" as const, changed: true };
  });
  if (restored.changed) await announceServingChange(shopDomain);
  return restored;
}

/**
 * Puts back the version live before `from`, because `from` did worse with shoppers (`reason`), and
 * records why in both versions' notes. Nothing happens (null) when `from` is no longer live, or no
 * earlier version can serve again: none kept, or every one trained before a customer was erased.
 */
export async function rollBackVersion(
  database: Db,
  { shopDomain, from, reason }: { shopDomain: string; from: number; reason: string },
): Promise<{ version: number } | null> {
  const shop = await requireShop(database, shopDomain);
  const restored = await database.$transaction(async (tx) => {
    await lockShopModels(tx, shop.id);
    const live = await findLiveVersion(tx, shop.id);
    if (live?.version !== from) return null;
    const target = await previousLiveVersion(tx, { shopId: shop.id, version: from });
    const first = await firstVersionWithoutErased(tx, shop.id);
    if (!target || first === null || target.version < first) return null;
    await makeLive(tx, {
      shopId: shop.id,
      id: target.id,
      note: `Restored automatically, replacing v${from}: ${reason} Earlier: ${target.decisionNote ?? "no note"}`,
    });
    await tx.modelVersion.update({
      where: { id: live.id },
      data: {
        decisionNote: `Rolled back automatically to v${target.version}: ${reason} Earlier: ${live.decisionNote ?? "no note"}`,
      },
    });
    return { version: target.version };
  });
  if (restored) await announceServingChange(shopDomain);
  return restored;
}

/** A shop's model versions, newest first, with their metrics validated. */
export async function listModelVersions(database: Db, shopDomain: string) {
  const shop = await requireShop(database, shopDomain);
  const versions = await listVersions(database, shop.id);
  return versions.map(({ artifact, metrics, ...version }) => ({
    ...version,
    metrics: HoldoutMetricsSchema.safeParse(metrics).data ?? null,
    sizeBytes: artifact?.sizeBytes ?? null,
  }));
}

/** What restoredNote puts before the earlier note, any number of times in notes written before it. */
const RESTORED_PREFIXES = /^(?:Restored by hand \(was \w+\)\. Earlier: )+/;

/**
 * How a version came back, then the decision its training made: a version restored again and
 * again keeps one line, not one more "Earlier:" per restore.
 */
function restoredNote(status: string, earlier: string | null): string {
  return `Restored by hand (was ${status}). Earlier: ${(earlier ?? "no note").replace(RESTORED_PREFIXES, "")}`;
}
