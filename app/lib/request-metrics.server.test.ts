import { describe, expect, it } from "vitest";
import { routeOf, routePatterns } from "./request-metrics.server";

// The shape of Remix's build.routes: nested routes name their parent; layouts have no path.
const ROUTES = {
  root: { id: "root", path: "" },
  "routes/_index": { id: "routes/_index", parentId: "root" },
  "routes/app": { id: "routes/app", parentId: "root", path: "app" },
  "routes/app._index": { id: "routes/app._index", parentId: "routes/app" },
  "routes/app.models": { id: "routes/app.models", parentId: "routes/app", path: "models" },
  "routes/app.data-requests.$id": {
    id: "routes/app.data-requests.$id",
    parentId: "routes/app",
    path: "data-requests/:id",
  },
  "routes/api.checkout.offers": {
    id: "routes/api.checkout.offers",
    parentId: "root",
    path: "api/checkout/offers",
  },
  "routes/webhooks.$": { id: "routes/webhooks.$", parentId: "root", path: "webhooks/*" },
  "routes/favicon[.]ico": { id: "routes/favicon[.]ico", parentId: "root", path: "favicon.ico" },
};

describe("request routes as metric labels", () => {
  const patterns = routePatterns(ROUTES);

  it("names a request by the route pattern that serves it", () => {
    expect(routeOf(patterns, "/api/checkout/offers")).toBe("/api/checkout/offers");
    expect(routeOf(patterns, "/app/models/")).toBe("/app/models");
    expect(routeOf(patterns, "/app")).toBe("/app");
    expect(routeOf(patterns, "/")).toBe("/");
    expect(routeOf(patterns, "/app/data-requests/8c1f")).toBe("/app/data-requests/:id");
    expect(routeOf(patterns, "/webhooks/orders/create")).toBe("/webhooks/*");
    expect(routeOf(patterns, "/favicon.ico")).toBe("/favicon.ico");
  });

  it("puts every path no route serves under one label", () => {
    for (const path of ["/wp-login.php", "/app/models/extra", "/api/checkout", "/%E0%A4%A", "/app/nope"]) {
      expect(routeOf(patterns, path)).toBe("other");
    }
  });
});
