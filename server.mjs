// Production HTTP server for the built app (npm start). Unlike remix-serve it logs paths without
// query strings: embedded admin URLs carry the merchant's session token in `id_token`. It runs
// WEB_CONCURRENCY worker processes (default: one per CPU) sharing the port, as Node serves best:
// each keeps its own decoded models and caches, and a worker that dies is replaced. SERVER_BUILD
// names another server build to serve (default build/server/index.js). Every request body is held
// to the limit of its path (app/lib/body-limits.ts) before any route sees it.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
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

/** How long a connection refused with its body unread stays open for the client to read the answer. */
const LINGER_MS = 2_000;

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
  const maxBodyBytes = build.entry?.module?.maxBodyBytes;
  if (typeof maxBodyBytes !== "function") throw new Error("The server build's entry exports no maxBodyBytes");
  const handleRemix = createRequestHandler(build, process.env.NODE_ENV);

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
  app.all("*", async (request, response, next) => {
    try {
      // The host Express resolves (X-Forwarded-Host behind a trusted proxy) and the port the client
      // used, as Remix's Express adapter resolves them.
      const ports = [request.get("X-Forwarded-Host"), request.get("host")].map((host) => host?.split(":")[1]);
      const port = ports.find((value) => value && Number.isSafeInteger(Number(value)));
      const origin = `${request.protocol}://${request.hostname}${port ? `:${port}` : ""}`;
      const webRequest = toWebRequest(request, response, new URL(request.originalUrl, origin));
      const answer = await handleRemix(webRequest, { clientAddress: request.ip });
      if (response.headersSent) return void (await answer.body?.cancel());
      if (!request.complete) {
        response.setHeader("connection", "close");
        closeUnread(response.socket);
      }
      response.statusMessage = answer.statusText;
      response.status(answer.status);
      for (const [name, value] of answer.headers) response.append(name, value);
      if (/text\/event-stream/i.test(answer.headers.get("content-type") ?? "")) response.flushHeaders();
      if (answer.body) await writeReadableStreamToWritable(answer.body, response);
      else response.end();
    } catch (error) {
      next(error);
    }
  });

  /**
   * The web Request of a Node request, its body streamed up to its path's limit: past it, the client
   * is answered 413 at once, the route's read of the body fails and its answer is dropped. The signal
   * aborts when the client goes away (or was refused), which also keeps Remix from logging the error.
   */
  function toWebRequest(request, response, url) {
    const controller = new AbortController();
    response.once("close", () => controller.abort());
    const method = request.method ?? "GET";
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      for (const one of [value ?? []].flat()) headers.append(name, one);
    }
    const init = { method, headers, signal: controller.signal };
    if (method === "GET" || method === "HEAD") return new Request(url, init);
    const body = boundedBody(request, maxBodyBytes(url.pathname), () => {
      refuseBody(request, response, maxBodyBytes(url.pathname));
      controller.abort();
    });
    return new Request(url, { ...init, body, duplex: "half" });
  }

  /** The request's body as a web stream that fails, and calls `overLimit`, once it passes `limit` bytes. */
  function boundedBody(request, limit, overLimit) {
    let size = 0;
    let settled = false;
    return new ReadableStream({
      start(stream) {
        request.on("data", (chunk) => {
          if (settled) return;
          size += chunk.length;
          if (size > limit) {
            settled = true;
            request.pause();
            overLimit();
            stream.error(new Error("The request body is over the limit."));
            return;
          }
          stream.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (stream.desiredSize <= 0) request.pause();
        });
        request.once("end", () => {
          if (!settled) stream.close();
          settled = true;
        });
        request.once("error", (error) => {
          if (!settled) stream.error(error);
          settled = true;
        });
      },
      pull() {
        request.resume();
      },
      // A route that stops reading (its own, tighter limit) leaves the rest unread: the answer closes
      // the connection rather than draining it.
      cancel() {
        settled = true;
        request.pause();
      },
    });
  }

  /**
   * Closes, once the answer is out, a connection whose request body was left unread. Closing it at
   * once would reset it, and a client still sending could lose the answer before reading it (Node
   * closes a "Connection: close" answer's socket with destroySoon): our side closes instead (FIN),
   * and the socket goes after LINGER_MS or when the client closes.
   */
  function closeUnread(socket) {
    if (!socket) return;
    socket.destroySoon = () => {
      socket.end();
      const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
      socket.once("close", () => clearTimeout(timer));
    };
  }

  /** 413 in the APIs' error shape; the connection closes, so what the client still sends is never read. */
  function refuseBody(request, response, limit) {
    if (response.headersSent) return;
    // Taken as read and paused: Node would otherwise read the rest of an unread body and drop it.
    request.on("data", () => {}).pause();
    closeUnread(response.socket);
    const body = JSON.stringify({
      error: { code: "PAYLOAD_TOO_LARGE", message: `The body must be at most ${limit} bytes.` },
    });
    response.writeHead(413, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      connection: "close",
    });
    response.end(body);
  }

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
    const webRequest = toWebRequest(request, response, url);
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
    if (response.headersSent) {
      await answer.body?.cancel();
      return logRequest(method, url.pathname, response.statusCode, started);
    }
    const body = Buffer.from(await answer.arrayBuffer());
    for (const [name, value] of answer.headers) {
      if (name !== "set-cookie") response.setHeader(name, value);
    }
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) response.setHeader("set-cookie", cookies);
    response.setHeader("content-length", body.length);
    if (!request.complete) {
      response.setHeader("connection", "close");
      closeUnread(response.socket);
    }
    response.writeHead(answer.status);
    response.end(method === "HEAD" ? undefined : body);
    logRequest(method, url.pathname, answer.status, started);
  }

  const server = createServer((request, response) => {
    const started = performance.now();
    const path = request.url?.split("?", 1)[0] ?? "/";
    // A body declared too large is refused before a byte of it is read.
    if (Number(request.headers["content-length"] ?? 0) > maxBodyBytes(path)) {
      refuseBody(request, response, maxBodyBytes(path));
      return logRequest(request.method, path, 413, started);
    }
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
