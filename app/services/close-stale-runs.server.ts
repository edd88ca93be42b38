import type { Db } from "~/db.server";
import { ensureQueued } from "~/jobs/queues.server";
import { failStaleImportRuns } from "~/models/import-runs.server";
import { failStaleTrainingRuns } from "~/models/training-runs.server";
import { requestTraining } from "./request-training.server";

/**
 * Closes import and training runs still "running" whose heartbeat is older than `staleMs`: the
 * process running them died (killed, crashed, its machine lost), so they would otherwise read
 * "running" for ever. Each is marked failed as interrupted; a history import's job is queued again
 * (it resumes its stage) and the shop's training requested again, without waiting for the job's
 * lock to expire. A CSV import came from the command line, so only its record is closed.
 */
export async function closeStaleRuns(
  database: Db,
  { staleMs, now = new Date() }: { staleMs: number; now?: Date },
): Promise<{ imports: number; trainings: number }> {
  const before = new Date(now.getTime() - staleMs);
  const why = `Interrupted: no progress recorded for ${Math.round(staleMs / 1000)} s; the process running it stopped.`;
  const imports = await failStaleImportRuns(database, { before, error: why });
  for (const run of imports.filter((run) => run.kind === "bulk")) {
    await ensureQueued(
      "bulk-import",
      { shopDomain: run.shopDomain, importRunId: run.id },
      { jobId: `bulk-${run.id}` },
    );
  }
  const trainings = await failStaleTrainingRuns(database, { before, note: why });
  for (const training of trainings) await requestTraining(training);
  return { imports: imports.length, trainings: trainings.length };
}
