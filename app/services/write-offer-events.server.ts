import { isConnectionError } from "~/db.server";
import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { logger } from "~/logger.server";
import {
  insertShopsOfferEvents,
  type OfferEventRow,
  type ShopOfferEvents,
} from "~/models/offer-events.server";

/** rows per statement at most; a longer wait is written in several */
const MAX_BATCH_ROWS = 1_000;

interface Waiting extends ShopOfferEvents {
  settle: (outcome: { installed: boolean } | { error: unknown }) => void;
}

let waiting: Waiting[] = [];
let waitingRows = 0;
let timer: NodeJS.Timeout | null = null;
let writing = false;

/**
 * Stores a request's events together with those of the requests that arrive within
 * OFFER_EVENTS_FLUSH_MS, in one statement (README: decisions, "Events are written in batches"). It
 * resolves once they are committed, so an answer sent after it never loses them; false when the
 * shop is unknown or uninstalled, and then nothing was stored.
 */
export function writeOfferEvents(shopDomain: string, events: OfferEventRow[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    waiting.push({
      shopDomain,
      events,
      settle: (outcome) => ("error" in outcome ? reject(outcome.error) : resolve(outcome.installed)),
    });
    waitingRows += events.length;
    if (writing) return; // the write under way starts the next one when it ends
    if (waitingRows >= MAX_BATCH_ROWS) void writeWaiting();
    else timer ??= setTimeout(() => void writeWaiting(), env().OFFER_EVENTS_FLUSH_MS);
  });
}

/** One write at a time per process: while it runs, requests gather for the next, larger one. */
async function writeWaiting() {
  if (timer) clearTimeout(timer);
  timer = null;
  writing = true;
  try {
    while (waiting.length > 0) {
      const batch = takeBatch();
      await writeBatch(batch);
    }
  } finally {
    writing = false;
  }
}

function takeBatch(): Waiting[] {
  let rows = 0;
  let count = 0;
  while (count < waiting.length && (count === 0 || rows + waiting[count]!.events.length <= MAX_BATCH_ROWS)) {
    rows += waiting[count]!.events.length;
    count += 1;
  }
  const batch = waiting.slice(0, count);
  waiting = waiting.slice(count);
  waitingRows -= rows;
  return batch;
}

/**
 * A batch that fails is written again request by request, so one request's fault fails only itself;
 * a lost connection is no request's fault and would fail each of them again, so it fails them all.
 */
async function writeBatch(batch: Waiting[]) {
  try {
    const installed = await insertShopsOfferEvents(batch);
    for (const entry of batch) entry.settle({ installed: installed.has(entry.shopDomain) });
    logger().debug(
      { requests: batch.length, events: batch.reduce((sum, entry) => sum + entry.events.length, 0) },
      "offer events written",
    );
  } catch (error) {
    if (batch.length === 1 || isConnectionError(error)) {
      for (const entry of batch) entry.settle({ error });
      return;
    }
    logger().warn({ requests: batch.length, error: describeError(error) }, "offer event batch failed");
    for (const entry of batch) await writeBatch([entry]);
  }
}
