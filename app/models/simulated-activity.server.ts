import type { Db, Tx } from "~/db.server";
import type { Exposure } from "./experiments.server";

/**
 * Orders of the shop that neither the synthetic generator (CSV orders "S<number>") nor a simulation
 * (Shopify-sourced orders with the simulation's prefix) made: a real or file-imported history.
 */
export async function foreignOrderCount(
  tx: Tx | Db,
  { shopId, simulatedPrefix }: { shopId: string; simulatedPrefix: string },
): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ count: number }>>`
    SELECT count(*)::int AS count FROM "Order"
    WHERE "shopId" = ${shopId}::uuid
      AND NOT (source = 'csv' AND "externalId" ~ '^S[0-9]+$')
      AND NOT (source = 'shopify' AND starts_with("externalId", ${simulatedPrefix}))`;
  return row?.count ?? 0;
}

/** Carts and customers to replay: the shop's own orders, most recent first. */
export async function replayableOrders(tx: Tx | Db, { shopId, limit }: { shopId: string; limit: number }) {
  return tx.order.findMany({
    where: { shopId, cancelledAt: null },
    orderBy: { orderedAt: "desc" },
    take: limit,
    select: {
      customerKey: true,
      lines: { select: { productId: true, unitPrice: true, quantity: true, title: true } },
    },
  });
}

/**
 * Removes what a simulation left: its orders, every offer event, experiment and exposure, and the
 * discount grants (a simulated shop has no others). Orders of the seeded history stay.
 */
export async function deleteSimulatedActivity(
  tx: Tx | Db,
  { shopId, simulatedPrefix }: { shopId: string; simulatedPrefix: string },
) {
  await tx.order.deleteMany({
    where: { shopId, source: "shopify", externalId: { startsWith: simulatedPrefix } },
  });
  await tx.offerEvent.deleteMany({ where: { shopId } });
  await tx.experimentExposure.deleteMany({ where: { shopId } });
  await tx.experiment.deleteMany({ where: { shopId } });
  await tx.offerGrant.deleteMany({ where: { shopId } });
}

/**
 * Records units' first checkouts with the times given, over what is recorded for them: a replay of
 * past checkouts knows when each unit was first seen better than the clock of its writes.
 */
export async function setExposures(tx: Tx | Db, exposures: Exposure[]): Promise<void> {
  for (let i = 0; i < exposures.length; i += 1_000) {
    const batch = exposures.slice(i, i + 1_000);
    await tx.$executeRaw`
      INSERT INTO "ExperimentExposure" ("shopId", "experimentId", "unitKey", variant, "customerKey", "noDiscounts", "firstSeenAt")
      SELECT shop_id, experiment_id, unit_key, variant, customer_key, no_discounts,
        to_timestamp(seen_ms / 1000.0) AT TIME ZONE 'UTC'
      FROM unnest(${batch.map((e) => e.shopId)}::uuid[], ${batch.map((e) => e.experimentId)}::text[],
        ${batch.map((e) => e.unitKey)}::text[], ${batch.map((e) => e.variant)}::text[],
        ${batch.map((e) => e.customerKey)}::text[], ${batch.map((e) => e.noDiscounts)}::bool[],
        ${batch.map((e) => e.firstSeenAt.getTime())}::float8[])
        AS t(shop_id, experiment_id, unit_key, variant, customer_key, no_discounts, seen_ms)
      ON CONFLICT ("shopId", "experimentId", "unitKey") DO UPDATE
        SET variant = EXCLUDED.variant, "customerKey" = EXCLUDED."customerKey",
          "noDiscounts" = EXCLUDED."noDiscounts", "firstSeenAt" = EXCLUDED."firstSeenAt"`;
  }
}
