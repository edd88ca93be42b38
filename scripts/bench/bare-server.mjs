// The machine's ceiling for the offers bench: Node's own http server reading each POST body and
// answering a small JSON body, no framework and no work. Listens on 127.0.0.1:$PORT with as many
// worker processes as server.mjs runs (WEB_CONCURRENCY, default one per CPU), so the two compare
// like with like.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";

const workers = Number(process.env.WEB_CONCURRENCY || availableParallelism());

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const body = JSON.stringify({ offers: [], modelVersion: null, experiment: null });
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.listen(Number(process.env.PORT), "127.0.0.1");
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}
