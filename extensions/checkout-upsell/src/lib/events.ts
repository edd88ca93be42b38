import { MAX_EVENTS_PER_REQUEST, type OfferEvent } from "@checkout-upsell-ai/checkout-contract";

export interface EventQueue {
  push(event: OfferEvent): void;
  /** Sends everything queued now. */
  flush(): Promise<void>;
  /** Stops the timer and sends what is left; later pushes are ignored. */
  close(): Promise<void>;
}

export interface EventQueueOptions {
  send: (events: OfferEvent[]) => Promise<void>;
  /** how long an event may wait for others to share its request */
  intervalMs?: number;
  /** the most events in one request */
  maxBatch?: number;
}

export const EVENTS_INTERVAL_MS = 3_000;

/**
 * Collects events and sends them in batches: when `intervalMs` has passed since the first waiting
 * event, as soon as a batch is full, and on close. `send` must not reject; batches are never retried.
 */
export function createEventQueue({
  send,
  intervalMs = EVENTS_INTERVAL_MS,
  maxBatch = MAX_EVENTS_PER_REQUEST,
}: EventQueueOptions): EventQueue {
  let waiting: OfferEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const events = waiting;
    waiting = [];
    const sends: Promise<void>[] = [];
    for (let start = 0; start < events.length; start += maxBatch) {
      sends.push(send(events.slice(start, start + maxBatch)).catch(() => {}));
    }
    return Promise.all(sends).then(() => {});
  }

  return {
    push(event) {
      if (closed) return;
      waiting.push(event);
      if (waiting.length >= maxBatch) {
        void flush();
      } else if (timer === undefined) {
        timer = setTimeout(() => void flush(), intervalMs);
      }
    },
    flush,
    close() {
      closed = true;
      return flush();
    },
  };
}
