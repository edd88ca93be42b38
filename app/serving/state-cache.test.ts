import { describe, expect, it } from "vitest";
import { StateCache } from "./state-cache";

const REFRESH_MS = 1_000;

interface PendingLoad {
  key: string;
  previous: string | null;
  resolve: (state: string | null) => void;
  reject: (error: unknown) => void;
}

/** A cache of strings whose loads the test finishes by hand, on a clock it moves by hand. */
function harness({ maxKeys = 10 } = {}) {
  let now = 0;
  const loads: PendingLoad[] = [];
  const refreshErrors: Array<{ key: string; error: unknown }> = [];
  const cache = new StateCache<string>({
    load: (key, previous) => new Promise((resolve, reject) => loads.push({ key, previous, resolve, reject })),
    clock: () => now,
    refreshMs: REFRESH_MS,
    maxKeys,
    onRefreshError: (key, error) => refreshErrors.push({ key, error }),
  });
  return {
    cache,
    loads,
    refreshErrors,
    advance: (ms: number) => {
      now += ms;
    },
    /** a key whose first load finished with `state` */
    loaded: async (key: string, state: string) => {
      const read = cache.get(key);
      loads.at(-1)!.resolve(state);
      await read;
    },
  };
}

/** A key loaded as "a1" whose state grew old, and the background refresh a read of it started. */
async function refreshStarted() {
  const cache = harness();
  await cache.loaded("shop-a", "a1");
  cache.advance(REFRESH_MS);
  expect(await cache.cache.get("shop-a")).toBe("a1");
  return { ...cache, refresh: cache.loads[1]! };
}

/** Lets every callback already queued run (loads finishing, their states being stored). */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Whether the promise settled once everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await flush();
  return done;
}

describe("StateCache", () => {
  it("makes a key's first read wait for its load", async () => {
    const { cache, loads } = harness();
    const read = cache.get("shop-a");
    expect(await settled(read)).toBe(false);
    expect(loads).toMatchObject([{ key: "shop-a", previous: null }]);
    loads[0]!.resolve("a1");
    expect(await read).toBe("a1");
  });

  it("serves a state younger than refreshMs without loading again", async () => {
    const { cache, loads, advance, loaded } = harness();
    await loaded("shop-a", "a1");
    advance(REFRESH_MS - 1);
    expect(await cache.get("shop-a")).toBe("a1");
    expect(loads).toHaveLength(1);
  });

  it("serves an older state while a single background load replaces it", async () => {
    const { cache, loads, advance, loaded } = harness();
    await loaded("shop-a", "a1");
    advance(REFRESH_MS);
    const reads = await Promise.all([cache.get("shop-a"), cache.get("shop-a"), cache.get("shop-a")]);
    expect(reads).toEqual(["a1", "a1", "a1"]);
    expect(loads).toHaveLength(2);
    expect(loads[1]).toMatchObject({ key: "shop-a", previous: "a1" });
    loads[1]!.resolve("a2");
    await flush();
    expect(await cache.get("shop-a")).toBe("a2");
    // The new state is as young as its load: no refresh until refreshMs after it started.
    advance(REFRESH_MS - 1);
    expect(await cache.get("shop-a")).toBe("a2");
    expect(loads).toHaveLength(2);
  });

  it("loads again at invalidate(), serving the previous state until the new one lands", async () => {
    const { cache, loads, loaded } = harness();
    await loaded("shop-a", "a1");
    const reloaded = cache.invalidate("shop-a");
    expect(loads).toHaveLength(2);
    expect(loads[1]).toMatchObject({ key: "shop-a", previous: "a1" });
    // A read during the reload is answered at once, with what served before.
    const during = cache.get("shop-a");
    expect(await settled(during)).toBe(true);
    expect(await during).toBe("a1");
    loads[1]!.resolve("a2");
    expect(await reloaded).toBe("a2");
    expect(await cache.get("shop-a")).toBe("a2");
    expect(loads).toHaveLength(2);
  });

  it("leaves alone a key it never loaded", async () => {
    const { cache, loads } = harness();
    expect(await cache.invalidate("shop-b")).toBeNull();
    expect(loads).toHaveLength(0);
  });

  it("does not keep a load that started before invalidate()", async () => {
    const { cache, loads, refresh: beforeChange } = await refreshStarted();
    const reloaded = cache.invalidate("shop-a");
    expect(loads).toHaveLength(3);
    // The load that read the shop before the change finishes first: it is not served.
    beforeChange.resolve("a2-before-change");
    await flush();
    expect(await cache.get("shop-a")).toBe("a1");
    expect(loads).toHaveLength(3);
    loads[2]!.resolve("a3");
    expect(await reloaded).toBe("a3");
    expect(await cache.get("shop-a")).toBe("a3");
  });

  it("does not let a load from before invalidate() replace the state loaded after it", async () => {
    const { cache, loads, refresh: beforeChange } = await refreshStarted();
    const reloaded = cache.invalidate("shop-a");
    loads[2]!.resolve("a3");
    expect(await reloaded).toBe("a3");
    beforeChange.resolve("a2-before-change");
    await flush();
    expect(await cache.get("shop-a")).toBe("a3");
    expect(loads).toHaveLength(3);
  });

  it("keeps serving the old state when a refresh fails, and reports the failure", async () => {
    const { cache, refresh, refreshErrors } = await refreshStarted();
    const failure = new Error("database unavailable");
    refresh.reject(failure);
    await flush();
    expect(refreshErrors).toEqual([{ key: "shop-a", error: failure }]);
    expect(await cache.get("shop-a")).toBe("a1");
  });

  it("fails a key's first read when its load fails, and loads again at the next read", async () => {
    const { cache, loads } = harness();
    const read = cache.get("shop-a");
    const failure = new Error("database unavailable");
    loads[0]!.reject(failure);
    await expect(read).rejects.toBe(failure);
    const retry = cache.get("shop-a");
    expect(loads).toHaveLength(2);
    loads[1]!.resolve("a1");
    expect(await retry).toBe("a1");
  });

  it("forgets the least recently read key past maxKeys", async () => {
    const { cache, loads, loaded } = harness({ maxKeys: 2 });
    await loaded("shop-a", "a1");
    await loaded("shop-b", "b1");
    expect(await cache.get("shop-a")).toBe("a1");
    await loaded("shop-c", "c1");
    expect(loads).toHaveLength(3);
    expect(await cache.get("shop-a")).toBe("a1");
    expect(await cache.get("shop-c")).toBe("c1");
    expect(loads).toHaveLength(3);
    const read = cache.get("shop-b");
    expect(loads.map((load) => load.key)).toEqual(["shop-a", "shop-b", "shop-c", "shop-b"]);
    expect(loads[3]!.previous).toBeNull();
    loads[3]!.resolve("b2");
    expect(await read).toBe("b2");
  });
});
