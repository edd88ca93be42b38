import "./local-secrets";

// Standard output carries the answers, one JSON line per query: logs go to standard error.
process.env.LOG_STREAM ??= "stderr";

import { existsSync } from "node:fs";
import { db } from "~/db.server";
import { parseOfferQuery } from "~/lib/offer-query";
import { fileLines } from "~/lib/text-lines.server";
import { findShop } from "~/models/shops.server";
import { answerOfferQuery } from "~/services/answer-offer-query.server";
import { commandLine, shopOption } from "./args";
import { fail, runCli } from "./run";

const USAGE = `Usage: npm run offers -- --shop <shop>.myshopify.com --queries <queries.jsonl[.gz]> [--k N]
  What the checkout offers each query's shopper and cart, from the shop's live model (or its
  popular products while it has none), one JSON line per query on stdout:
    {"id": "q1", "model": "v3", "offers": [{"productId": "…", "title": "…", "reason": "…", "discountPercent": 0}]}
  A query line: {"id": "q1", "customer_id": "17850", "cart": ["22423"]}, with the shop's own ids
  (an imported file's ids, or Shopify's); no customer_id for a guest; "at": "<date>" to rank with the
  shopper's history as it stood then. --k: offers per query (default: the shop's setting).
  Bad lines are reported on stderr with their line number, and the exit code is 1.`;

async function main(): Promise<number> {
  const args = commandLine(USAGE, {
    options: {
      shop: { type: "string" },
      queries: { type: "string" },
      k: { type: "string" },
    },
  });
  if (!args) return 0;
  const { values } = args;
  const shopDomain = shopOption(values.shop, USAGE);
  if (!shopDomain) return 1;
  if (!values.queries) return fail(`--queries is required\n\n${USAGE}`);
  if (!existsSync(values.queries)) return fail(`No such file: ${values.queries}`);
  const k = values.k === undefined ? undefined : Number(values.k);
  if (k !== undefined && !(Number.isInteger(k) && k >= 1 && k <= 50))
    return fail(`--k must be a whole number from 1 to 50\n\n${USAGE}`);
  const shop = await findShop(db(), shopDomain);
  if (!shop || shop.uninstalledAt) return fail(`No installed shop ${shopDomain} in this database.`);

  let bad = 0;
  let line = 0;
  for await (const text of fileLines(values.queries)) {
    line += 1;
    if (text.trim() === "") continue;
    const parsed = parseOfferQuery(text);
    if (!parsed.ok) {
      bad += 1;
      console.error(`line ${line}: ${parsed.reason}`);
      continue;
    }
    const answer = await answerOfferQuery(db(), { shopDomain, query: parsed.query, k });
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
  return bad > 0 ? 1 : 0;
}

runCli(main);
