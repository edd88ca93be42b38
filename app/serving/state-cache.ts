/** Milliseconds since the epoch, as Date.now gives them; tests pass a clock they move by hand. */
export type Clock = () => number;

export interface StateCacheOptions<T> {
  /** loads a key's state, reusing what it can of the previous one; null: no such key */
  load: (key: string, previous: T | null) => Promise<T | null>;
  clock: Clock;
  /** how old a state may be before a request starts a refresh in the background */
  refreshMs: number;
  maxKeys: number;
  /** told of a refresh that failed while an older state went on serving */
  onRefreshError?: (key: string, error: unknown) => void;
}

interface Entry<T> {
  state: T | null;
  loadedAt: number;
}

/**
 * Per-key states that requests read without waiting, with one refresh policy: only a key's first
 * read waits for a load. A state older than refreshMs is served while one background load replaces
 * it, and invalidate() starts a load at once, whose result no load started before it can replace:
 * a reload never holds a request (a new model takes a while to decode). A failed refresh keeps the
 * state it would have replaced. The least recently read key goes first past maxKeys.
 */
export class StateCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T | null>>();
  /** bumped by invalidate(): a load started before it must not be kept as fresh */
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: StateCacheOptions<T>) {}

  async get(key: string): Promise<T | null> {
    const entry = this.entries.get(key);
    if (!entry) return this.loading.get(key) ?? this.reload(key, null);
    // Most recently read last, so the first key is the one to evict.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.options.clock() - entry.loadedAt >= this.options.refreshMs && !this.loading.has(key)) {
      this.reload(key, entry.state).catch(() => {});
    }
    return entry.state;
  }

  /**
   * The key's state changed: loads it again now (a key never read is left alone) and resolves
   * with the new state once it serves.
   */
  async invalidate(key: string): Promise<T | null> {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.loading.delete(key);
    const entry = this.entries.get(key);
    if (!entry) return null;
    return this.reload(key, entry.state).catch(() => entry.state);
  }

  clear(): void {
    for (const key of this.entries.keys()) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.loading.clear();
    this.entries.clear();
  }

  private reload(key: string, previous: T | null): Promise<T | null> {
    const generation = this.generations.get(key) ?? 0;
    const loadedAt = this.options.clock();
    const load = this.options
      .load(key, previous)
      .catch((error: unknown) => {
        this.options.onRefreshError?.(key, error);
        // The first load of a key has nothing to fall back on: its caller sees the error.
        if (!this.entries.has(key)) throw error;
        return previous;
      })
      .then((state) => {
        if ((this.generations.get(key) ?? 0) !== generation) return state;
        this.entries.delete(key);
        this.entries.set(key, { state, loadedAt });
        if (this.entries.size > this.options.maxKeys) this.entries.delete(this.entries.keys().next().value!);
        return state;
      })
      .finally(() => {
        if (this.loading.get(key) === load) this.loading.delete(key);
      });
    this.loading.set(key, load);
    return load;
  }
}
