// Production HTTP server for the built app (npm start). Unlike remix-serve it logs paths without
// query strings: embedded admin URLs carry the merchant's session token in `id_token`.
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const build = await import("./build/server/index.js");
const port = Number(process.env.PORT ?? 3000);
const quiet = process.env.LOG_LEVEL === "silent" || process.env.LOG_LEVEL === "error";

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
  response.on("finish", () => {
    if (quiet) return;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({ level: 30, time: Date.now(), method: request.method, path: request.path, status: response.statusCode, ms, msg: "request" })}\n`,
    );
  });
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

const server = app.listen(port, () => {
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), port, msg: "server listening" })}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
