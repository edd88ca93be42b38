import type { z } from "zod";
import { AppError, isAppError } from "./errors";

/** A JSON answer. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/**
 * The one place where expected failures become HTTP answers: `{"error": {"code", "message"}}` with
 * the code's status, and Retry-After when a rate limit says when to come back.
 */
export function errorResponse(error: AppError): Response {
  const headers = new Headers();
  const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (error.code === "RATE_LIMITED" && typeof retryAfter === "number") {
    headers.set("Retry-After", String(Math.max(1, Math.ceil(retryAfter))));
  }
  return json({ error: { code: error.code, message: error.message } }, { status: error.status, headers });
}

/** 405 in the APIs' error shape, with the methods the path takes in Allow. */
export function methodNotAllowed(allow: string): Response {
  const response = errorResponse(new AppError("METHOD_NOT_ALLOWED", `Use ${allow.replace(", ", " or ")}.`));
  response.headers.set("Allow", allow);
  return response;
}

/** Runs an API handler: its result as JSON, an AppError as its error answer; anything else propagates. */
export async function respond(handler: () => Promise<unknown>, init: ResponseInit = {}): Promise<Response> {
  try {
    return json(await handler(), init);
  } catch (error) {
    if (isAppError(error)) return errorResponse(error);
    throw error;
  }
}

/**
 * The request's body, read up to `maxBytes` (whatever Content-Length claims): 413 past it, without
 * reading on. A body that cannot be read (the client went away, or the server refused it) is a 400.
 */
export async function readBody(request: Request, { maxBytes }: { maxBytes: number }): Promise<Buffer> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body must be at most ${maxBytes} bytes.`);
  if (Number(request.headers.get("Content-Length") ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read().catch(() => {
      throw new AppError("BAD_REQUEST", "The body could not be read.");
    });
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The request's JSON body, read up to `maxBytes` (readBody). */
export async function readJsonBody(request: Request, { maxBytes }: { maxBytes: number }): Promise<unknown> {
  const body = await readBody(request, { maxBytes });
  if (body.length === 0) throw new AppError("BAD_REQUEST", "The body is empty: send a JSON object.");
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }
}

/** Validates input against its schema; a 400 naming the offending fields otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parsedInput(schema.safeParse(input));
}

/** A safeParse result's data; a 400 naming the offending fields otherwise. */
export function parsedInput<T>(parsed: z.ZodSafeParseResult<T>): T {
  if (!parsed.success) throw new AppError("BAD_REQUEST", `Invalid request: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** "cart.lines.3.productId: must be …; surface: …" — the first few problems, each naming its field. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
}
