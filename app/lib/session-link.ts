/** Where Shopify's library sends a document request whose session token is missing, damaged or expired. */
export const SESSION_TOKEN_BOUNCE_PATH = "/auth/session-token";

/**
 * Whether a response is the library's bounce page: HTML that loads App Bridge, which fetches a
 * fresh session token and reloads the app. (Bots get a 410 there instead, which this leaves alone.)
 */
export function isSessionTokenBounce(request: Request, response: Response): boolean {
  return (
    new URL(request.url).pathname === SESSION_TOKEN_BOUNCE_PATH &&
    response.status === 200 &&
    (response.headers.get("Content-Type") ?? "").startsWith("text/html")
  );
}

/** Inside Shopify, App Bridge reloads the page within moments; if it has not by then, the notice shows anyway. */
const BRIDGE_GRACE_MS = 5_000;

const NOTICE = `
<main id="session-link-problem" hidden>
  <h1>This link has expired or is broken</h1>
  <p>The app could not confirm who you are: the sign-in token in the link is missing, damaged or out of date.</p>
  <p>Open the app again from your Shopify admin, under <strong>Apps</strong>.</p>
  <p>Running the local demo? Run <code>npm run demo</code> again: it prints a fresh link.</p>
</main>
<script>
  (function () {
    var environment = window.shopify && window.shopify.environment;
    var bridgeRuns = Boolean(environment && (environment.embedded || environment.mobile || environment.pos));
    function show() { document.getElementById("session-link-problem").hidden = false; }
    if (bridgeRuns) setTimeout(show, ${BRIDGE_GRACE_MS});
    else show();
  })();
</script>`;

const STYLE = `
<style>
  body { margin: 0; background: #f1f1f1; color: #303030; font: 14px/20px -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
  main { box-sizing: border-box; max-width: 36rem; margin: 4rem auto; padding: 20px 24px; background: #fff; border-radius: 12px; box-shadow: 0 1px 0 rgba(26, 26, 26, 0.07), inset 0 -1px 0 #d4d4d4; }
  main[hidden] { display: none; }
  h1 { margin: 0 0 12px; font-size: 20px; line-height: 24px; font-weight: 650; }
  p { margin: 0 0 8px; }
  code { padding: 1px 4px; background: #f1f1f1; border-radius: 4px; font-size: 13px; }
</style>`;

/**
 * The bounce page with a notice for where App Bridge does not run (a plain browser tab, such as the
 * local demo's): there nothing would fetch a new token and the page stayed blank. The library's
 * own markup (the App Bridge script) and headers are kept, so inside Shopify it works as before.
 */
export async function withExpiredLinkNotice(bounce: Response): Promise<Response> {
  const bridge = await bounce.text();
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Link expired · Checkout Upsell AI</title>
${STYLE}
${bridge.trim()}
</head>
<body>${NOTICE}
</body>
</html>
`;
  const headers = new Headers(bounce.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: bounce.status, headers });
}
