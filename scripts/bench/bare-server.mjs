// The machine's ceiling for the offers bench: Node's own http server reading each POST body and
// answering a small JSON body, no framework and no work. Listens on 127.0.0.1:$PORT.
import { createServer } from "node:http";

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
