/** What the models page's actions answer. */
export type ModelActionResult = {
  intent: string;
  ok: boolean;
  message: string;
  version?: number;
  requestedAt?: string;
};

/**
 * Whether an action's answer still describes the page: a queued training only while a training is
 * queued or running and no version trained since went live, a restore only while that version is
 * live; a refusal until the next action.
 */
export function stillTrue(
  result: ModelActionResult,
  { training, live }: { training: boolean; live: { version: number; trainedAt: string | Date } | null },
) {
  if (!result.ok) return true;
  if (result.intent === "retrain") {
    const trainedSince =
      live !== null &&
      result.requestedAt !== undefined &&
      new Date(live.trainedAt) > new Date(result.requestedAt);
    return training && !trainedSince;
  }
  if (result.intent === "restore") return result.version === live?.version;
  return false;
}
