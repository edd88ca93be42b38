import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "~/db.server";
import { writeOfferEvents } from "~/services/write-offer-events.server";
import { buildImpression } from "../helpers/factories";

// A database that accepts connections and drops each at once, as one going down does.
let connections = 0;
const server = createServer((socket) => {
  connections += 1;
  socket.destroy();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as { port: number };
process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${port}/down`;
// Wide enough that the requests below share a batch on a loaded test machine.
process.env.OFFER_EVENTS_FLUSH_MS = "100";

afterAll(async () => {
  await disconnectDb();
  await new Promise((resolve) => server.close(resolve));
});

describe("batched offer event writes without a database", () => {
  it("fail every request of the batch on the first lost connection, without trying each again", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, n) =>
        writeOfferEvents(`shop-${n}.myshopify.com`, [buildImpression(`o${n}`)]),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill("rejected"));
    expect(connections).toBe(1);
  });
});
