import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";

/** Calls a Remix action or loader as Remix would, returning thrown Responses as the answer. */
export async function callRoute(
  handler: (args: ActionFunctionArgs) => unknown,
  request: Request,
  params: Record<string, string> = {},
  context: AppLoadContext = {},
): Promise<Response> {
  try {
    const result = await handler({ request, params, context });
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
