/**
 * The bench shop's models: a live one the servers can decode, and a second version ready to be
 * promoted while checkouts are served. A reused database may hold artifacts of an older engine
 * format, which the servers refuse and replace by popularity until a training: those are trained
 * again here, so the bench never measures the fallback. Imported once the environment points at the
 * scratch database.
 */
import { db } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { listModelVersions, restoreVersion } from "~/services/model-registry.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { decodeEngine } from "~ml";

type Version = Awaited<ReturnType<typeof listModelVersions>>[number];

/** Whether the engine of this checkout decodes the version's artifact (its format and version). */
async function decodes(version: Version): Promise<boolean> {
  if (!version.artifactLocation) return false;
  const artifact = await db().modelArtifact.findUnique({
    where: { modelVersionId: version.id },
    select: { bytes: true },
  });
  if (!artifact) return false;
  try {
    await decodeEngine(artifact.bytes);
    return true;
  } catch (error) {
    console.error(`v${version.version} cannot be decoded (${(error as Error).message})`);
    return false;
  }
}

async function train(shopDomain: string) {
  const started = performance.now();
  const trained = await trainShopModel(db(), {
    shopDomain,
    reason: "manual",
    log: logger(),
    keep: env().MODEL_ARTIFACTS_KEPT,
  });
  if (trained.version === null) throw new Error(`no model was trained: ${trained.note}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`trained v${trained.version} (${trained.status}) in ${seconds} s`);
  return trained.version;
}

/**
 * Makes sure the shop has a live model that decodes and another version that decodes, training
 * as needed (a version the registry rejected is made live through it, as an operator would).
 * Returns the live version with its artifact's size and the version to promote.
 */
export async function ensureServableModels(shopDomain: string) {
  const live = async () => (await listModelVersions(db(), shopDomain)).find((v) => v.status === "live");
  const current = await live();
  if (!current || !(await decodes(current))) {
    const version = await train(shopDomain);
    if ((await live())?.version !== version) await restoreVersion(db(), { shopDomain, version });
  }
  const findCandidate = async () => {
    for (const version of await listModelVersions(db(), shopDomain)) {
      if (version.status !== "live" && (await decodes(version))) return version.version;
    }
    return null;
  };
  // A second training of the same data gives an equal model that replaces the live one, or is
  // rejected: either way the version not live is there to promote.
  let candidate = await findCandidate();
  if (candidate === null) {
    await train(shopDomain);
    candidate = await findCandidate();
  }
  const served = await live();
  if (!served || candidate === null) throw new Error("the shop has no two versions to serve");
  return { live: served.version, artifactBytes: served.sizeBytes ?? 0, candidate };
}

/** Makes a version live through the app's registry, as restoring it from the admin does. */
export async function promote(shopDomain: string, version: number) {
  await restoreVersion(db(), { shopDomain, version });
}
