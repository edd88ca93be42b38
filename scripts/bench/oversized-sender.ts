/**
 * The oversized-bodies bench's senders, in a process of their own so their writes do not delay the
 * offers load: `--clients` clients each POST unsigned `--size-mb` MB bodies to `--url` back to back
 * until SIGTERM, then print their counts as one JSON line.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { postLargeBody } from "../../test/helpers/app-server";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    shop: { type: "string", default: "bench-oversized.myshopify.com" },
    clients: { type: "string", default: "4" },
    "size-mb": { type: "string", default: "50" },
    chunked: { type: "boolean", default: false },
  },
});
if (!values.url) throw new Error("--url is required");
const url = values.url;
const size = Number(values["size-mb"]) * 1024 * 1024;
const stats = { bodies: 0, statuses: {} as Record<number, number>, failures: 0, ms: 0, sent: 0 };
let stopped = false;

async function client() {
  while (!stopped) {
    try {
      const answer = await postLargeBody(url, {
        size,
        declared: !values.chunked,
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": "orders/create",
          "X-Shopify-Shop-Domain": values.shop!,
          "X-Shopify-Webhook-Id": randomUUID(),
          "X-Shopify-Hmac-Sha256": "bm90LWEtc2lnbmF0dXJl",
        },
      });
      stats.bodies++;
      stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
      stats.ms += answer.ms;
      stats.sent += answer.sent;
    } catch {
      stats.failures++;
    }
  }
}

process.once("SIGTERM", () => {
  stopped = true;
});
await Promise.all(Array.from({ length: Number(values.clients) }, client));
const answered = Math.max(1, stats.bodies);
console.log(
  JSON.stringify({
    bodies: stats.bodies,
    statuses: stats.statuses,
    failures: stats.failures,
    meanMs: Math.round(stats.ms / answered),
    meanSentMb: +(stats.sent / answered / 2 ** 20).toFixed(2),
  }),
);
