import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { shopify } from "./shopify.server";

export const streamTimeout = 5_000;

// What server.mjs, plain JavaScript running this build, takes from the app: its validated
// configuration, the logger, the body limit of each path, which it holds every request to, and the
// request metrics it records and its workers share.
export { serverConfig } from "./env.server";
export { maxBodyBytes } from "./lib/body-limits";
export { answerWorkersMetricRequests, requestObserver } from "./lib/request-metrics.server";
export { logger } from "./logger.server";

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  shopify().addDocumentResponseHeaders(request, responseHeaders);
  const ready = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [ready]: () => {
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError: reject,
      onError: (error: unknown) => {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1_000);
  });
}
