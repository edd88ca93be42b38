// Production HTTP server for the built app (npm start): Express and Remix, as the Remix template
// serves, with what remix-serve lacks. It logs paths without query strings (embedded admin URLs
// carry the merchant's session token in `id_token`), and holds every request body to the limit of
// its path (app/lib/body-limits.ts) before any route sees it. It runs WEB_CONCURRENCY worker
// processes (default: one per CPU) sharing the port, as Node serves best: each keeps its own decoded
// models and caches, and a worker that dies is replaced. Its configuration (app/env.server.ts) and
// logger come from the server build's entry (app/entry.server.tsx).
import cluster from "node:cluster";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import compression from "compression";
import express from "express";

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

// The one variable read here and not through app/env.server.ts: it names the build, so it is read
// before the build, and the environment schema inside it, is loaded. The offers bench serves its
// request floor (scripts/bench/floor-build.ts) with it.
const buildUrl = process.env.SERVER_BUILD
  ? pathToFileURL(resolve(process.env.SERVER_BUILD)).href
  : new URL("./build/server/index.js", import.meta.url).href;
const build = await import(buildUrl);
const { serverConfig, logger, maxBodyBytes, requestObserver, answerWorkersMetricRequests } =
  build.entry?.module ?? {};
const needed = [serverConfig, logger, maxBodyBytes, requestObserver, answerWorkersMetricRequests];
if (!needed.every((value) => typeof value === "function")) {
  throw new Error(
    "The server build's entry must export serverConfig, logger, maxBodyBytes, requestObserver and answerWorkersMetricRequests",
  );
}

// Validated in the primary and again in each worker: a bad setting stops the server at once, in
// one line, rather than every worker dying as it starts and being replaced.
let config;
try {
  config = serverConfig();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const log = logger();

if (cluster.isPrimary) runWorkers(config.workers);
else serve();

/** The primary only starts workers, replaces one that dies and stops them all on SIGTERM/SIGINT. */
function runWorkers(count) {
  let stopping = false;
  // A scrape of /metrics reaches one worker, which asks here for the sum over all of them.
  answerWorkersMetricRequests();
  const own = (flag) => process.execArgv.some((arg) => arg.startsWith(flag.split("=")[0]));
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...WORKER_FLAGS.filter((flag) => !own(flag))] });
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, "worker exited; starting another");
    cluster.fork();
  });
  for (const name of ["SIGTERM", "SIGINT"]) {
    process.once(name, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    });
  }
}

function serve() {
  const handleRemix = createRequestHandler(build, config.mode);
  const observe = requestObserver(build.routes);

  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer, TRUST_PROXY makes req.ip the client's address from X-Forwarded-For; the
  // events API limits guests by it.
  if (config.trustProxy !== undefined) app.set("trust proxy", config.trustProxy);
  // A body declared too large is refused before a byte of it is read, whatever the path.
  app.use((request, response, next) => {
    const limit = maxBodyBytes(request.path);
    if (Number(request.headers["content-length"] ?? 0) <= limit) return next();
    const started = performance.now();
    refuseBody(request, response, limit);
    logRequest(request.method, request.path, 413, started);
  });
  // Small answers (a checkout's offers are 1–2 KB) are sent as they are: compressing them costs more
  // CPU per request than the bytes it saves. The checkout APIs answer nothing that large, so their
  // requests skip the middleware, whose wrappers of every response outlived young-generation
  // collections and took the most of what a checkout left for the full ones.
  const compress = compression({ threshold: 4096 });
  app.use((request, response, next) =>
    request.path.startsWith("/api/checkout/") ? next() : compress(request, response, next),
  );
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
      const type = answer.headers.get("content-type") ?? "";
      if (/text\/event-stream/i.test(type)) response.flushHeaders();
      // JSON (the APIs' answers) goes out whole, with its length: under the compression threshold
      // it is sent as it is, in one write.
      if (answer.body && /^application\/json/i.test(type) && !answer.headers.has("content-length")) {
        const body = Buffer.from(await answer.arrayBuffer());
        response.setHeader("content-length", body.length);
        response.end(request.method === "HEAD" ? undefined : body);
      } else if (answer.body) await writeReadableStreamToWritable(answer.body, response);
      else response.end();
    } catch (error) {
      next(error);
    }
  });
  // A failure of this adapter (Remix answers its routes' own errors): logged without the query
  // string, answered in the APIs' error shape.
  app.use((error, request, response, _next) => {
    log.error({ path: request.path, error: String(error?.stack ?? error) }, "request failed");
    if (response.headersSent) return void response.end();
    response.status(500).json({ error: { code: "INTERNAL", message: "Something went wrong." } });
  });

  /**
   * The web Request of a Node request, its body streamed up to its path's limit: past it, the client
   * is answered 413 at once, the route's read of the body fails and its answer is dropped. The signal
   * aborts when the client goes away before its answer (or was refused), which also keeps Remix from
   * logging the error.
   */
  function toWebRequest(request, response, url) {
    const controller = new AbortController();
    // Only a client that went away before the answer was sent aborts: aborting after every answer
    // made an AbortError, stack and all, per request, and woke the listeners of every signal copied
    // from this one.
    response.once("close", () => {
      if (!response.writableFinished) controller.abort();
    });
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

  function logRequest(method, path, status, started) {
    const ms = performance.now() - started;
    observe(method, path, status, ms / 1000);
    log.info({ method, path, status, ms: Math.round(ms * 10) / 10 }, "request");
  }

  const server = app.listen(config.port, () => log.info({ port: config.port }, "server listening"));
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}
