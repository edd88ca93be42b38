import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { experimentPlan, inNoDiscountSlice } from "~/lib/experiments";
import { verifyOfferToken } from "~/lib/offer-token.server";
import { ExperimentSettingsSchema } from "~/lib/shop-settings";
import { action } from "~/routes/api.checkout.offers";
import { checkoutUnit, flushExposures } from "~/services/experiment-arms.server";
import { recordOfferEvents } from "~/services/record-offer-events.server";
import { assignVariant, HOLDOUT } from "~ml";
import { discountSettings, seedOfferShop } from "../fixtures/offer-shop";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";

isolateIntegration();
process.env.OFFER_REQUESTS_PER_MINUTE = "12";
process.env.OFFER_UNITS_PER_TOKEN = "2";

const EXPERIMENT = {
  holdoutPercent: 30,
  variants: [
    { key: "with-discounts", share: 50, ranking: "model", discounts: true },
    { key: "no-discounts", share: 50, ranking: "popularity", discounts: false },
  ],
};
const DISCOUNTS = discountSettings(1000);
const PLAN = experimentPlan(ExperimentSettingsSchema.parse(EXPERIMENT));
const CUSTOMERS = Array.from({ length: 40 }, (_, i) => String(9100 + i));

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
  await db().shop.update({
    where: { id: shopId },
    // The shop's discount exists in Shopify, as the sync records it.
    data: {
      settings: { maxOffers: 1, experiment: EXPERIMENT, discounts: DISCOUNTS },
      offerDiscountId: "gid://shopify/DiscountAutomaticNode/1",
    },
  });
});

async function askOffers({ customerId, unitKey }: { customerId?: string; unitKey?: string }) {
  const token = await checkoutToken({ customerId });
  const body = { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey };
  const response = await callRoute(action, checkoutRequest("/api/checkout/offers", { token, body }));
  expect(response.status).toBe(200);
  return response.json();
}

/** The arm ml/policy's assignment gives a unit, computed here independently of serving. */
function expectedArm(unit: string): string {
  return assignVariant({
    experimentId: TEST_SHOP,
    unitKey: unit,
    variants: EXPERIMENT.variants.map((v) => ({ id: v.key, weight: v.share })),
    holdoutShare: EXPERIMENT.holdoutPercent / 100,
  }).arm;
}

/** Whether a unit of the discounting arm is in its no-discount slice. */
const sliced = (unit: string) =>
  inNoDiscountSlice({ experimentId: PLAN.id, variant: { discounts: true }, unitKey: unit });

/** The first `count` logged-in buyers from `from` on, whom the assignment puts in the arm, in or out of its slice. */
function customersOf(arm: string, inSlice: boolean, count: number, from: number): string[] {
  const found: string[] = [];
  for (let n = from; found.length < count; n++) {
    const unit = customerKey(TEST_SHOP, String(n));
    if (expectedArm(unit) === arm && sliced(unit) === inSlice) found.push(String(n));
  }
  return found;
}

describe("experiments in checkout offers", () => {
  it("puts each shopper in one arm for good; the holdout is shown nothing", async () => {
    const arms = new Map<string, string>();
    for (const id of CUSTOMERS) {
      const first = await askOffers({ customerId: id });
      const again = await askOffers({ customerId: id });
      expect(again.experiment).toEqual(first.experiment);
      expect(first.experiment).toEqual({ id: PLAN.id, variant: expectedArm(customerKey(TEST_SHOP, id)) });
      arms.set(id, first.experiment.variant);
      if (first.experiment.variant === HOLDOUT) {
        expect(first).toEqual({
          offers: [],
          modelVersion: null,
          experiment: { id: PLAN.id, variant: HOLDOUT },
        });
      } else {
        expect(first.offers).toHaveLength(1);
      }
    }
    const seen = new Set(arms.values());
    expect([...seen].sort()).toEqual(["holdout", "no-discounts", "with-discounts"]);

    // Each unit's first checkout is recorded once, for the report's denominators.
    await flushExposures();
    const exposures = await db().experimentExposure.findMany({ where: { experimentId: PLAN.id } });
    expect(exposures).toHaveLength(CUSTOMERS.length);
    for (const exposure of exposures) expect(exposure.customerKey).toBe(exposure.unitKey);
    const stored = await db().experiment.findUniqueOrThrow({ where: { shopId_id: { shopId, id: PLAN.id } } });
    expect(stored.variants).toEqual(PLAN.variants);
  });

  it("lets a variant turn discounts off, and says in each offer id which variant served it", async () => {
    const offers = [];
    // The discounting arm's no-discount slice has a test of its own, below.
    for (const id of CUSTOMERS.filter((id) => !sliced(customerKey(TEST_SHOP, id)))) {
      const answer = await askOffers({ customerId: id });
      if (answer.experiment.variant !== HOLDOUT)
        offers.push({ variant: answer.experiment.variant, ...answer.offers[0] });
    }
    const withDiscounts = offers.filter((offer) => offer.variant === "with-discounts");
    const without = offers.filter((offer) => offer.variant === "no-discounts");
    expect(withDiscounts.length).toBeGreaterThan(0);
    expect(without.length).toBeGreaterThan(0);
    for (const offer of withDiscounts) {
      expect(offer.discount).toMatchObject({ percent: 10 });
      expect(verifyOfferToken(offer.offerId, TEST_SHOP)).toMatchObject({
        discountPercent: 10,
        experiment: { id: PLAN.id, variant: 0 },
      });
    }
    for (const offer of without) {
      expect(offer.discount).toBeNull();
      expect(verifyOfferToken(offer.offerId, TEST_SHOP)).toMatchObject({
        discountPercent: 0,
        modelVersion: null,
        experiment: { id: PLAN.id, variant: 1 },
      });
    }

    // Events carry the variant from the verified offer id, so reports can split by it.
    await recordOfferEvents({
      shopDomain: TEST_SHOP,
      customerKey: null,
      events: offers.map((offer) => ({
        type: "impression" as const,
        offerId: offer.offerId,
        surface: "checkout",
      })),
    });
    const events = await db().offerEvent.groupBy({
      by: ["experimentId", "variant", "discountPercent"],
      _count: { _all: true },
      orderBy: { variant: "asc" },
    });
    expect(events).toEqual([
      { experimentId: PLAN.id, variant: 0, discountPercent: 10, _count: { _all: withDiscounts.length } },
      { experimentId: PLAN.id, variant: 1, discountPercent: 0, _count: { _all: without.length } },
    ]);
  });

  it("assigns a guest by the checkout key it sends, and serves a guest without one outside the experiment", async () => {
    const keys = ["checkout-a1", "checkout-b2", "checkout-c3", "checkout-d4"];
    const answers = await Promise.all(
      keys.map(async (unitKey) => [await askOffers({ unitKey }), await askOffers({ unitKey })]),
    );
    for (const [index, [first, again]] of answers.entries()) {
      const unitKey = keys[index]!;
      expect(first.experiment).toMatchObject({ id: PLAN.id });
      expect(again.experiment).toEqual(first.experiment);
      // A guest gets a discount as a logged-in buyer does: where the arm gives discounts, outside its slice.
      const discounted =
        first.experiment.variant === "with-discounts" && !sliced(checkoutUnit(TEST_SHOP, unitKey));
      for (const offer of first.offers) expect(offer.discount !== null).toBe(discounted);
    }
    await flushExposures();
    const guestUnits = await db().experimentExposure.findMany({ where: { customerKey: null } });
    expect(guestUnits).toHaveLength(4);
    // Only a hash of the key is kept.
    for (const unit of guestUnits) expect(unit.unitKey).toMatch(/^u-[\w-]{22}$/);

    const unkeyed = await askOffers({});
    expect(unkeyed.experiment).toBeNull();
    expect(unkeyed.offers).toHaveLength(1);
  });

  it("lets one guest token add only OFFER_UNITS_PER_TOKEN units to the experiment, and serves it on", async () => {
    const token = await checkoutToken();
    const before = await db().experimentExposure.count({ where: { customerKey: null } });
    const answers = [];
    for (let n = 0; n < 10; n++) {
      const body = {
        cart: { lines: [] },
        locale: "en",
        surface: "checkout",
        unitKey: `flood-${n}`,
      };
      const response = await callRoute(action, checkoutRequest("/api/checkout/offers", { token, body }));
      expect(response.status).toBe(200);
      answers.push(await response.json());
    }
    await flushExposures();
    const added = (await db().experimentExposure.count({ where: { customerKey: null } })) - before;
    expect(added).toBe(2);
    // The rest were served as checkouts outside the experiment, counted nowhere.
    expect(answers.slice(2).every((answer) => answer.experiment === null && answer.offers.length === 1)).toBe(
      true,
    );
    // A unit the token already brought stays in its arm.
    const again = await callRoute(
      action,
      checkoutRequest("/api/checkout/offers", {
        token,
        body: { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey: "flood-0" },
      }),
    );
    expect((await again.json()).experiment).toEqual(answers[0].experiment);
  });

  it("has every exposure written once a flush returns, a batch the timer is writing included", async () => {
    const late = ["9300", "9301", "9302"];
    for (const id of late) await askOffers({ customerId: id });
    // The timer's flush takes the batch; a flush asked meanwhile waits for that write.
    void flushExposures();
    await flushExposures();
    const keys = late.map((id) => customerKey(TEST_SHOP, id));
    expect(await db().experimentExposure.count({ where: { unitKey: { in: keys } } })).toBe(late.length);
  });

  it("offers the discounting arm's no-discount slice no discount, at full price, and records it on their exposure", async () => {
    const slice = customersOf("with-discounts", true, 3, 9_400);
    const rest = customersOf("with-discounts", false, 3, 9_400);
    // A unit the slice's hash takes in the arm without discounts: that arm has no slice.
    const plain = customersOf("no-discounts", true, 1, 9_400);
    for (const id of slice) {
      const answer = await askOffers({ customerId: id });
      expect(answer.experiment).toEqual({ id: PLAN.id, variant: "with-discounts" });
      // Offers served as usual, with no discount, and the offer id says the arm that served them.
      expect(answer.offers).toHaveLength(1);
      expect(answer.offers[0]).toMatchObject({ discount: null });
      expect(verifyOfferToken(answer.offers[0].offerId, TEST_SHOP)).toMatchObject({
        discountPercent: 0,
        experiment: { id: PLAN.id, variant: 0 },
      });
      // Every checkout of theirs, not only the first.
      expect((await askOffers({ customerId: id })).offers[0].discount).toBeNull();
    }
    for (const id of rest) {
      const answer = await askOffers({ customerId: id });
      expect(answer.experiment).toEqual({ id: PLAN.id, variant: "with-discounts" });
      expect(answer.offers[0].discount).toEqual({ percent: 10 });
    }
    for (const id of plain) expect((await askOffers({ customerId: id })).offers[0].discount).toBeNull();
    // A guest in the slice, by the checkout key it sends.
    let guestKey = "";
    for (let n = 0; !guestKey; n++) {
      const unit = checkoutUnit(TEST_SHOP, `slice-${n}`);
      if (expectedArm(unit) === "with-discounts" && sliced(unit)) guestKey = `slice-${n}`;
    }
    const guest = await askOffers({ unitKey: guestKey });
    expect(guest.experiment).toEqual({ id: PLAN.id, variant: "with-discounts" });
    expect(guest.offers[0].discount).toBeNull();

    await flushExposures();
    const exposures = await db().experimentExposure.findMany({
      where: {
        experimentId: PLAN.id,
        unitKey: {
          in: [
            ...[...slice, ...rest, ...plain].map((id) => customerKey(TEST_SHOP, id)),
            checkoutUnit(TEST_SHOP, guestKey),
          ],
        },
      },
      select: { unitKey: true, variant: true, noDiscounts: true },
    });
    const recorded = new Map(exposures.map((e) => [e.unitKey, [e.variant, e.noDiscounts]]));
    expect(recorded.size).toBe(slice.length + rest.length + plain.length + 1);
    for (const id of slice)
      expect(recorded.get(customerKey(TEST_SHOP, id))).toEqual(["with-discounts", true]);
    for (const id of rest)
      expect(recorded.get(customerKey(TEST_SHOP, id))).toEqual(["with-discounts", false]);
    for (const id of plain) expect(recorded.get(customerKey(TEST_SHOP, id))).toEqual(["no-discounts", false]);
    expect(recorded.get(checkoutUnit(TEST_SHOP, guestKey))).toEqual(["with-discounts", true]);
  });

  it("limits one caller's offer requests to OFFER_REQUESTS_PER_MINUTE, with 429 and Retry-After", async () => {
    const ask = (token: string) =>
      callRoute(
        action,
        checkoutRequest("/api/checkout/offers", {
          token,
          body: { cart: { lines: [] }, locale: "en", surface: "checkout" },
        }),
      );
    const guest = await checkoutToken();
    for (let n = 0; n < 12; n++) expect((await ask(guest)).status).toBe(200);
    const limited = await ask(guest);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    // Another checkout's token, and a logged-in customer, have their own windows.
    expect((await ask(await checkoutToken())).status).toBe(200);
    const customer = await checkoutToken({ customerId: "9999" });
    expect((await ask(customer)).status).toBe(200);
  });

  it("counts bad offer request bodies against the caller's limit before refusing them", async () => {
    const guest = await checkoutToken();
    const send = (rawBody: string) =>
      callRoute(action, checkoutRequest("/api/checkout/offers", { token: guest, rawBody }));
    const bad = ["not json", "", JSON.stringify({ cart: { lines: "many" } }), JSON.stringify([1])];
    const statuses = [];
    for (let n = 0; n < 12; n++) statuses.push((await send(bad[n % bad.length]!)).status);
    expect(statuses).toEqual(Array(12).fill(400));
    const good = JSON.stringify({ cart: { lines: [] }, locale: "en", surface: "checkout" });
    expect((await send(good)).status).toBe(429);
  });
});
