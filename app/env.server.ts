import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { z } from "zod";

const DEV_SECRET = "dev-only-secret-change-me";

const HOP_COUNT = /^\d+$/;
const ADDRESS_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** One entry of Express's "trust proxy" list: an address, a CIDR range, or a named range. */
function isTrustedProxy(entry: string): boolean {
  if (ADDRESS_RANGES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (HOP_COUNT.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

// A hop count, or addresses and ranges of the proxies to trust, as Express's "trust proxy" takes them.
const TrustProxySchema = z
  .string()
  .trim()
  .refine(
    (value) => HOP_COUNT.test(value) || value.split(",").every((entry) => isTrustedProxy(entry.trim())),
    "must be a hop count or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal",
  )
  .transform((value) =>
    HOP_COUNT.test(value) ? Number(value) : value.split(",").map((entry) => entry.trim()),
  );

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce
      .number()
      .int("must be a whole number")
      .min(1, "must be a port number from 1 to 65535")
      .max(65_535, "must be a port number from 1 to 65535")
      .default(3000),
    // Worker processes of the production server (server.mjs); unset, one per CPU.
    WEB_CONCURRENCY: z.coerce
      .number("must be a whole number of at least 1")
      .int("must be a whole number of at least 1")
      .min(1, "must be a whole number of at least 1")
      .max(256, "must be at most 256")
      .optional(),
    // Behind a load balancer: which X-Forwarded-For hops to trust for the client's address, which
    // the events API limits guests by. Unset, the address is the connection's.
    TRUST_PROXY: TrustProxySchema.optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // Where logs go: stderr for a command whose stdout is its answer (npm run offers).
    LOG_STREAM: z.enum(["stdout", "stderr"]).default("stdout"),
    DATABASE_URL: z
      .string()
      .startsWith("postgres")
      .default("postgresql://postgres@127.0.0.1:5432/checkout_upsell"),
    REDIS_URL: z.string().startsWith("redis").default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9:_-]+$/i)
      .default("cua"),
    SHOPIFY_API_KEY: z.string().min(1).default("local-api-key"),
    SHOPIFY_API_SECRET: z.string().min(1).default(DEV_SECRET),
    SHOPIFY_APP_URL: z.url().default("http://localhost:3000"),
    SCOPES: z.string().default("read_orders,read_all_orders,read_products,write_discounts,write_app_proxy"),
    CUSTOMER_KEY_SECRET: z.string().min(16).default(DEV_SECRET),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
    // An import or training "running" without a heartbeat for this long is closed as interrupted.
    RUN_STALE_MS: z.coerce.number().int().min(10_000).default(60_000),
    BULK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
    ENQUEUE_TIMEOUT_MS: z.coerce.number().int().min(10).default(500),
    // The queues `npm run worker` serves; training holds a CPU for minutes, so production runs it apart.
    WORKER_QUEUES: z
      .string()
      .default("ingest,backfill,train,discounts")
      .transform((value) => value.split(",").map((name) => name.trim()))
      .pipe(z.array(z.enum(["ingest", "backfill", "train", "discounts"])).min(1)),
    TRAIN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    // The nice value (0-19) a worker process serving the train queue lowers itself to.
    TRAIN_NICE: z.coerce.number().int().min(0).max(19).default(10),
    // Five-field cron pattern, read in UTC.
    TRAIN_NIGHTLY_CRON: z
      .string()
      .regex(/^\S+( \S+){4}$/, "a five-field cron pattern")
      .default("0 3 * * *"),
    MODEL_ARTIFACTS_KEPT: z.coerce.number().int().min(1).max(1000).default(10),
    RECOMMEND_REFRESH_MS: z.coerce.number().int().min(50).default(5_000),
    // Requests a shopper (customer, or address for guests) may make to the events API per minute and shop.
    OFFER_EVENTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
    // How long the events API gathers requests' events into one statement; each request waits for it.
    OFFER_EVENTS_FLUSH_MS: z.coerce.number().int().min(0).max(1_000).default(10),
    // Offer requests a caller (customer, or a guest's session token) may make per minute and shop.
    OFFER_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
    // The bearer token a Prometheus scrape of GET /metrics must carry; unset, the endpoint is off.
    METRICS_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
    // The most shops whose live model a scrape labels by shop (the longest since trained).
    METRICS_SHOPS: z.coerce.number().int().min(0).max(10_000).default(100),
    // Distinct checkout keys one guest session token may bring into the shop's experiment.
    OFFER_UNITS_PER_TOKEN: z.coerce.number().int().min(1).max(1_000_000).default(3),
  })
  .superRefine((env, ctx) => {
    // A bulk import beats its heartbeat once per poll: a window of fewer polls closes a live one.
    if (env.RUN_STALE_MS < 3 * env.BULK_POLL_INTERVAL_MS)
      ctx.addIssue({
        code: "custom",
        path: ["RUN_STALE_MS"],
        message: `must be at least 3 × BULK_POLL_INTERVAL_MS (${3 * env.BULK_POLL_INTERVAL_MS})`,
      });
    if (env.NODE_ENV !== "production") return;
    for (const key of ["SHOPIFY_API_SECRET", "CUSTOMER_KEY_SECRET"] as const) {
      if (env[key] === DEV_SECRET)
        ctx.addIssue({ code: "custom", path: [key], message: "must be set in production" });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** Validates an environment, saying on one line which variables are wrong and why. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** What the production server (server.mjs) takes from the environment. */
export function serverConfig(source: Env = env()) {
  return {
    mode: source.NODE_ENV,
    port: source.PORT,
    workers: source.WEB_CONCURRENCY ?? availableParallelism(),
    /** Express's "trust proxy" setting; undefined trusts no proxy */
    trustProxy: source.TRUST_PROXY,
  };
}

export type ServerConfig = ReturnType<typeof serverConfig>;

/** The validated environment, parsed once on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
