// Production HTTP server for the built app (npm start). Unlike remix-serve it logs paths without
// query strings: embedded admin URLs carry the merchant's session token in `id_token`. It runs
// WEB_CONCURRENCY worker processes (default: one per CPU) sharing the port, as Node serves best:
// each keeps its own decoded models and caches, and a worker that dies is replaced. SERVER_BUILD
// names another server build to serve (default build/server/index.js).
import cluster from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import proxyAddr from "proxy-addr";

const port = Number(process.env.PORT ?? 3000);
const quiet = process.env.LOG_LEVEL === "silent" || process.env.LOG_LEVEL === "error";
const workers = process.env.WEB_CONCURRENCY ? Number(process.env.WEB_CONCURRENCY) : availableParallelism();
if (!Number.isInteger(workers) || workers < 1) {
  process.stderr.write(
    `WEB_CONCURRENCY must be a whole number of at least 1, not "${process.env.WEB_CONCURRENCY}"\n`,
  );
  process.exit(1);
}

/**
 * V8 flags of the workers. Checkouts leave short-lived garbage; with V8's default 16 MB
 * semi-spaces a worker at a few hundred checkouts per second scavenged its young generation several
 * times a second, each pause 5-30 ms (a GC observer during the bench), and promoted short-lived
 * objects. In one pair of bench runs with one worker, 64 MB semi-spaces took the server's CPU from
 * 1.70 to 1.45 ms per request.
 */
const WORKER_FLAGS = ["--max-semi-space-size=64"];

if (cluster.isPrimary) runWorkers(workers);
else await serve();

/** The primary only starts workers, replaces one that dies and stops them all on SIGTERM/SIGINT. */
function runWorkers(count) {
  let stopping = false;
  const own = (flag) => process.execArgv.some((arg) => arg.startsWith(flag.split("=")[0]));
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...WORKER_FLAGS.filter((flag) => !own(flag))] });
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log(50, { pid: worker.process.pid, code, signal, msg: "worker exited; starting another" });
    cluster.fork();
  });
  for (const name of ["SIGTERM", "SIGINT"]) {
    process.once(name, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    });
  }
}

function log(level, fields) {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), ...fields })}\n`);
}

async function serve() {
  const buildUrl = process.env.SERVER_BUILD
    ? pathToFileURL(resolve(process.env.SERVER_BUILD)).href
    : new URL("./build/server/index.js", import.meta.url).href;
  const build = await import(buildUrl);

  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer, TRUST_PROXY (a hop count, or Express's "trust proxy" addresses) makes
  // req.ip the client's address from X-Forwarded-For; the events API limits guests by it.
  const trustProxy = process.env.TRUST_PROXY;
  if (trustProxy) app.set("trust proxy", /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  // Small answers (a checkout's offers are 1–2 KB) are sent as they are: compressing them costs more
  // CPU per request than the bytes it saves.
  app.use(compression({ threshold: 4096 }));
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
  app.use((request, response, next) => {
    const started = performance.now();
    response.on("finish", () => logRequest(request.method, request.path, response.statusCode, started));
    next();
  });
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (request) => ({ clientAddress: request.ip }),
    }),
  );

  /**
   * The checkout extension's API routes, called on every checkout render: they answer JSON from
   * their own loader and action, so they are called directly, without Express's middleware and
   * Remix's request pipeline, which cost more than the offers themselves. Everything else goes
   * through Express and Remix.
   */
  const directRoutes = new Map(
    [
      ["/api/checkout/offers", "routes/api.checkout.offers"],
      ["/api/checkout/events", "routes/api.checkout.events"],
    ].map(([path, id]) => [path, build.routes[id]?.module]),
  );

  /** Remix's own split: mutations go to the action, everything else (OPTIONS included) to the loader. */
  const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

  function routeHandler(module, method) {
    return module && (MUTATIONS.has(method) ? module.action : module.loader);
  }

  async function callRoute(handler, request, response, started) {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      for (const one of [value].flat()) headers.append(name, one);
    }
    const hasBody = method !== "GET" && method !== "HEAD";
    const webRequest = new Request(url, {
      method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(request), duplex: "half" } : {}),
    });
    let answer;
    try {
      answer = await handler({
        request: webRequest,
        params: {},
        context: { clientAddress: proxyAddr(request, app.get("trust proxy fn")) },
      });
    } catch (thrown) {
      // Remix sends a thrown Response as the answer; anything else is a bug.
      if (!(thrown instanceof Response)) throw thrown;
      answer = thrown;
    }
    if (!(answer instanceof Response)) throw new Error(`${url.pathname} answered without a Response`);
    const body = Buffer.from(await answer.arrayBuffer());
    for (const [name, value] of answer.headers) {
      if (name !== "set-cookie") response.setHeader(name, value);
    }
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) response.setHeader("set-cookie", cookies);
    response.setHeader("content-length", body.length);
    response.writeHead(answer.status);
    response.end(method === "HEAD" ? undefined : body);
    logRequest(method, url.pathname, answer.status, started);
  }

  const server = createServer((request, response) => {
    const started = performance.now();
    const path = request.url?.split("?", 1)[0] ?? "/";
    const handler = routeHandler(directRoutes.get(path), request.method ?? "GET");
    if (!handler) return app(request, response);
    callRoute(handler, request, response, started).catch((error) => {
      log(50, { path, error: String(error?.stack ?? error), msg: "request failed" });
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end('{"error":{"code":"INTERNAL","message":"Something went wrong."}}');
    });
  });

  function logRequest(method, path, status, started) {
    if (quiet) return;
    log(30, {
      method,
      path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      msg: "request",
    });
  }

  server.listen(port, () => log(30, { port, msg: "server listening" }));
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}
