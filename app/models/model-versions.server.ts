import { type Db, type Prisma, readLargeBytes, type Tx } from "~/db.server";

export type ModelStatus = "candidate" | "live" | "rejected" | "retired";

export interface NewModelVersion {
  id: string;
  shopId: string;
  dataFrom: Date | null;
  dataTo: Date | null;
  orderCount: number;
  productCount: number;
  customerCount: number;
  params: Prisma.InputJsonValue;
  metrics: Prisma.InputJsonValue;
  trainSeconds: number;
  bytes: Uint8Array;
}

/**
 * Serialises registry changes of one shop (numbering, promotion, restore) until the transaction
 * ends. An advisory lock rather than a row lock: the shop row stays free for everything else.
 */
export async function lockShopModels(tx: Tx, shopId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`model-registry:${shopId}`}, 0))`;
}

export function artifactLocation(modelVersionId: string): string {
  return `postgres:model_artifact/${modelVersionId}`;
}

/** Stores a candidate with the next version number of its shop, and its artifact. Call under lockShopModels. */
export async function insertCandidate(tx: Tx, version: NewModelVersion) {
  const { bytes, ...fields } = version;
  return tx.modelVersion.create({
    data: {
      ...fields,
      version: (await latestVersion(tx, version.shopId)) + 1,
      status: "candidate",
      artifactLocation: artifactLocation(version.id),
      artifact: { create: { bytes: new Uint8Array(bytes), sizeBytes: bytes.byteLength } },
    },
    select: { id: true, version: true },
  });
}

/** The shop's highest version number, 0 before its first. */
export async function latestVersion(tx: Tx | Db, shopId: string): Promise<number> {
  const latest = await tx.modelVersion.aggregate({ where: { shopId }, _max: { version: true } });
  return latest._max.version ?? 0;
}

export async function findLiveVersion(tx: Tx | Db, shopId: string) {
  return tx.modelVersion.findFirst({
    where: { shopId, status: "live" },
    select: { id: true, version: true, metrics: true, decisionNote: true },
  });
}

export async function findVersion(tx: Tx | Db, { shopId, version }: { shopId: string; version: number }) {
  return tx.modelVersion.findUnique({
    where: { shopId_version: { shopId, version } },
    select: { id: true, version: true, status: true, decisionNote: true, artifactLocation: true },
  });
}

/** Makes a version live, retiring the live one first (the partial unique index allows one live). */
export async function makeLive(tx: Tx, { shopId, id, note }: { shopId: string; id: string; note: string }) {
  await tx.modelVersion.updateMany({
    where: { shopId, status: "live", id: { not: id } },
    data: { status: "retired" },
  });
  await tx.modelVersion.update({
    where: { id },
    data: { status: "live", promotedAt: new Date(), decisionNote: note },
  });
}

/** Takes a live version out of service; the shop is left without a live model. */
export async function retire(tx: Tx, id: string) {
  await tx.modelVersion.update({ where: { id }, data: { status: "retired" } });
}

export async function reject(tx: Tx, { id, note }: { id: string; note: string }) {
  await tx.modelVersion.update({ where: { id }, data: { status: "rejected", decisionNote: note } });
}

/**
 * Deletes the artifacts of all but the `keep` most recent versions of a shop, never the live one's;
 * their metadata stays as history. Returns how many were deleted.
 */
export async function pruneArtifacts(tx: Tx | Db, { shopId, keep }: { shopId: string; keep: number }) {
  return tx.$executeRaw`
    WITH gone AS (
      DELETE FROM "ModelArtifact" a USING "ModelVersion" v
      WHERE a."modelVersionId" = v.id AND v."shopId" = ${shopId}::uuid AND v.status <> 'live'
        AND v.version NOT IN (SELECT version FROM "ModelVersion" WHERE "shopId" = ${shopId}::uuid
                              ORDER BY version DESC LIMIT ${keep})
      RETURNING a."modelVersionId")
    UPDATE "ModelVersion" SET "artifactLocation" = NULL WHERE id IN (SELECT "modelVersionId" FROM gone)`;
}

/**
 * Deletes the artifacts of a shop's versions before `version` (never the live one's): they were
 * trained on customers erased since. Their metadata stays as history.
 */
export async function dropArtifactsBefore(tx: Tx, { shopId, version }: { shopId: string; version: number }) {
  return tx.$executeRaw`
    WITH gone AS (
      DELETE FROM "ModelArtifact" a USING "ModelVersion" v
      WHERE a."modelVersionId" = v.id AND v."shopId" = ${shopId}::uuid AND v.status <> 'live'
        AND v.version < ${version}
      RETURNING a."modelVersionId")
    UPDATE "ModelVersion" SET "artifactLocation" = NULL WHERE id IN (SELECT "modelVersionId" FROM gone)`;
}

/** A shop's versions, newest first, without their bytes. */
export async function listVersions(tx: Tx | Db, shopId: string) {
  return tx.modelVersion.findMany({
    where: { shopId },
    orderBy: { version: "desc" },
    select: {
      id: true,
      version: true,
      status: true,
      trainedAt: true,
      dataFrom: true,
      dataTo: true,
      orderCount: true,
      productCount: true,
      customerCount: true,
      metrics: true,
      params: true,
      trainSeconds: true,
      artifactLocation: true,
      promotedAt: true,
      decisionNote: true,
      artifact: { select: { sizeBytes: true } },
    },
  });
}

/** The live version of a shop with its artifact's bytes; null when the shop has none. */
export async function loadLiveArtifact(tx: Tx | Db, shopId: string) {
  const live = await tx.modelVersion.findFirst({
    where: { shopId, status: "live" },
    select: { id: true, version: true, dataTo: true },
  });
  if (!live) return null;
  // Models run to tens of MB: read in slices, not in one decode that would stall the server.
  const bytes = await readLargeBytes(
    `SELECT bytes FROM "ModelArtifact" WHERE "modelVersionId" = $1::uuid`,
    live.id,
  );
  return bytes ? { id: live.id, version: live.version, dataTo: live.dataTo, bytes } : null;
}

/**
 * The live model of each installed shop, longest since trained first, at most `limit`, and how many
 * shops have one: what operators watch for a training that stopped happening.
 */
export async function liveModelAges(
  tx: Tx | Db,
  { limit }: { limit: number },
): Promise<{ total: number; oldest: Array<{ shop: string; version: number; trainedAt: Date }> }> {
  const [oldest, [counted]] = await Promise.all([
    tx.$queryRaw<Array<{ shop: string; version: number; trainedAt: Date }>>`
      SELECT s.domain AS shop, v.version, v."trainedAt"
      FROM "ModelVersion" v JOIN "Shop" s ON s.id = v."shopId"
      WHERE v.status = 'live' AND s."uninstalledAt" IS NULL
      ORDER BY v."trainedAt", s.domain
      LIMIT ${limit}`,
    tx.$queryRaw<Array<{ total: number }>>`
      SELECT count(*)::int AS total
      FROM "ModelVersion" v JOIN "Shop" s ON s.id = v."shopId"
      WHERE v.status = 'live' AND s."uninstalledAt" IS NULL`,
  ]);
  return { total: counted?.total ?? 0, oldest };
}

/** Installed shops with a live model, by domain. */
export async function shopsWithLiveModel(tx: Tx | Db): Promise<string[]> {
  const rows = await tx.shop.findMany({
    where: { uninstalledAt: null, modelVersions: { some: { status: "live" } } },
    select: { domain: true },
    orderBy: { domain: "asc" },
  });
  return rows.map((row) => row.domain);
}

/**
 * The version that was live before `version` and could serve again: promoted once, retired since,
 * its artifact kept, the latest such below it. Null when there is none.
 */
export async function previousLiveVersion(
  tx: Tx | Db,
  { shopId, version }: { shopId: string; version: number },
) {
  return tx.modelVersion.findFirst({
    where: {
      shopId,
      version: { lt: version },
      status: "retired",
      promotedAt: { not: null },
      artifactLocation: { not: null },
    },
    orderBy: { version: "desc" },
    select: { id: true, version: true, decisionNote: true },
  });
}
