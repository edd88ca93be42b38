import { Redis } from "ioredis";

/** Deletes every key under `prefix:` (test and bench queues); an unreachable Redis holds none of ours. */
export async function deleteKeys(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } catch {
    // Redis unreachable: nothing of ours to delete there.
  } finally {
    redis.disconnect();
  }
}
