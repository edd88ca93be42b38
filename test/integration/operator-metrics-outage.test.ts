import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { collectOperatorMetrics } from "~/services/collect-operator-metrics.server";
import { isolateIntegration } from "../helpers/integration";
import { freePort, PrivateRedis } from "../helpers/redis-server";

const redis = new PrivateRedis(await freePort());
isolateIntegration({ redisUrl: redis.url });

beforeAll(() => redis.start());
afterAll(() => redis.stop());

describe("the operators' metrics while Redis hangs", () => {
  it("answers in seconds with what the other sources say, and says which could not be read", async () => {
    expect(await collectOperatorMetrics(db())).toMatch(/^cua_metrics_source_up\{source="queues"\} 1$/m);
    await queue("train", "producer").getJobCounts();
    redis.freeze();
    try {
      const started = Date.now();
      const text = await collectOperatorMetrics(db());
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(text).toMatch(/^cua_metrics_source_up\{source="queues"\} 0$/m);
      expect(text).toMatch(/^cua_metrics_source_up\{source="jobs"\} 0$/m);
      expect(text).toMatch(/^cua_metrics_source_up\{source="models"\} 1$/m);
      expect(text).toMatch(/^cua_live_models 0$/m);
      expect(text).toMatch(/^# TYPE cua_http_request_duration_seconds histogram$/m);
    } finally {
      redis.thaw();
    }
  });
});
