import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { GraphqlClient } from "./bulk-operations.server";

/**
 * Admin GraphQL calls that respect Shopify's cost-based throttling: a leaky bucket per app and shop,
 * reported with every answer as `extensions.cost.throttleStatus`. Before a call we wait until the
 * bucket, as last reported and refilled since at its restore rate, holds the call's cost; a call
 * Shopify still refuses (`THROTTLED`, or HTTP 429) is retried with exponential backoff.
 */
export interface AdminGraphql {
  request<T>(
    query: string,
    { variables, cost, schema }: { variables?: Record<string, unknown>; cost: number; schema: z.ZodType<T> },
  ): Promise<T>;
  /** the bucket as last reported, for logs and tests */
  readonly bucket: Bucket | null;
}

export interface Bucket {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  /** Date.now() when Shopify reported it */
  at: number;
}

export class AdminThrottledError extends Error {
  constructor(attempts: number) {
    super(`Admin API still throttled after ${attempts} attempts`);
    this.name = "AdminThrottledError";
  }
}

const ThrottleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number().positive(),
});

const BodySchema = z.object({
  data: z.unknown().optional(),
  errors: z.unknown().optional(),
  extensions: z
    .object({ cost: z.object({ throttleStatus: ThrottleStatusSchema.optional() }).optional() })
    .loose()
    .optional(),
});
type Body = z.infer<typeof BodySchema>;

export interface AdminGraphqlOptions {
  /** attempts per call before giving up (the job then retries later) */
  maxAttempts?: number;
  /** first backoff after a refusal; doubles each time */
  backoffMs?: number;
  maxWaitMs?: number;
  wait?: (ms: number) => Promise<unknown>;
  now?: () => number;
  onWait?: (info: { ms: number; reason: "bucket" | "throttled" }) => void;
}

export function adminGraphql(
  graphql: GraphqlClient,
  {
    maxAttempts = 6,
    backoffMs = 1_000,
    maxWaitMs = 30_000,
    wait = sleep,
    now = Date.now,
    onWait,
  }: AdminGraphqlOptions = {},
): AdminGraphql {
  let bucket: Bucket | null = null;

  /** How long until the bucket holds `cost`, assuming it refilled since it was last reported. */
  function waitFor(cost: number): number {
    if (!bucket) return 0;
    const elapsed = (now() - bucket.at) / 1000;
    const available = Math.min(
      bucket.maximumAvailable,
      bucket.currentlyAvailable + elapsed * bucket.restoreRate,
    );
    // Never wait for more than the bucket can ever hold.
    const needed = Math.min(cost, bucket.maximumAvailable);
    return available >= needed ? 0 : Math.ceil(((needed - available) / bucket.restoreRate) * 1000);
  }

  function remember(body: Body | null) {
    const status = body?.extensions?.cost?.throttleStatus;
    if (status) bucket = { ...status, at: now() };
  }

  async function pause(ms: number, reason: "bucket" | "throttled") {
    const capped = Math.min(ms, maxWaitMs);
    if (capped <= 0) return;
    onWait?.({ ms: capped, reason });
    await wait(capped);
  }

  return {
    get bucket() {
      return bucket;
    },
    async request(query, { variables, cost, schema }) {
      for (let attempt = 1; ; attempt++) {
        await pause(waitFor(cost), "bucket");
        const outcome = await send(graphql, query, variables);
        remember(outcome.body);
        if (!outcome.throttled) {
          if (outcome.error) throw outcome.error;
          const errors = graphqlErrors(outcome.body);
          if (errors.length > 0)
            throw new Error(`Admin API error: ${errors.map((e) => e.message).join("; ")}`);
          return schema.parse(outcome.body?.data);
        }
        if (attempt >= maxAttempts) throw new AdminThrottledError(attempt);
        // What the bucket says is missing, but at least the backoff: the bucket may be shared with
        // other processes of ours, and a refusal means our estimate was too hopeful.
        await pause(Math.max(waitFor(cost), backoffMs * 2 ** (attempt - 1)), "throttled");
      }
    },
  };
}

interface Outcome {
  body: Body | null;
  throttled: boolean;
  error?: unknown;
}

/**
 * One call, whatever form its failure takes: the Shopify library throws on GraphQL errors (the body
 * rides on the error) and on HTTP errors; other clients hand back the body as it came.
 */
async function send(
  graphql: GraphqlClient,
  query: string,
  variables: Record<string, unknown> | undefined,
): Promise<Outcome> {
  let response: Response;
  try {
    response = await graphql(query, { variables });
  } catch (error) {
    const body = bodyOf((error as { body?: unknown }).body);
    const status = (error as { response?: { status?: number } }).response?.status;
    const code = (error as { code?: unknown }).code;
    const throttled = isThrottled(body) || status === 429 || code === 429;
    return { body, throttled, error };
  }
  if (response.status === 429) return { body: null, throttled: true };
  if (!response.ok)
    return { body: null, throttled: false, error: new Error(`Admin API answered ${response.status}`) };
  const body = bodyOf(await response.json());
  return { body, throttled: isThrottled(body) };
}

function bodyOf(value: unknown): Body | null {
  const parsed = BodySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/** GraphQL errors as Shopify sends them (an array), or as the Shopify library wraps them. */
function graphqlErrors(body: Body | null): GraphqlError[] {
  const errors = body?.errors;
  if (Array.isArray(errors)) return errors as GraphqlError[];
  const wrapped = (errors as { graphQLErrors?: unknown } | undefined)?.graphQLErrors;
  if (Array.isArray(wrapped)) return wrapped as GraphqlError[];
  const message = (errors as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? [{ message }] : [];
}

function isThrottled(body: Body | null): boolean {
  return graphqlErrors(body).some((error) => error.extensions?.code === "THROTTLED");
}
