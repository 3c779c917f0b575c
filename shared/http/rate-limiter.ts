/**
 * Fixed-window request counting per key (a principal id or a client address).
 *
 * LIMITATION: counters live in the instance's memory. Each Functions instance limits on its own,
 * so the effective limit across a scaled-out app is the configured one times the instance count.
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until the window resets; set when not allowed. */
  readonly retryAfterSeconds: number;
}

export interface RateLimiter {
  take(key: string, limit: number): RateDecision;
}

export interface RateLimiterOptions {
  readonly windowSeconds: number;
  /** Bound on tracked keys so a flood of distinct addresses cannot grow memory without end. */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Window {
  readonly start: number;
  count: number;
  limit: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowSeconds * 1000;
  const maxKeys = options.maxKeys ?? 50_000;
  const now = options.now ?? Date.now;
  // Keys within their limit, oldest window first (a key moves to the end when its window starts
  // again), and keys over it, in the order they went over. Two maps, so that freeing a place never
  // walks past the keys over their limit: every step below is constant time.
  const within = new Map<string, Window>();
  const over = new Map<string, Window>();

  const oldest = (windows: Map<string, Window>): [string, Window] | undefined =>
    windows.entries().next().value;

  /**
   * Frees one place for a new key: a key over its limit whose window has passed, else the oldest
   * key within its limit. A key over its limit keeps its count, so a flood of new keys cannot
   * reset it; only when every tracked key is over its limit does the oldest of them go.
   */
  const makeRoom = (at: number): void => {
    const firstOver = oldest(over);
    if (firstOver !== undefined && at - firstOver[1].start >= windowMs) {
      over.delete(firstOver[0]);
      return;
    }
    const firstWithin = oldest(within);
    if (firstWithin !== undefined) within.delete(firstWithin[0]);
    else if (firstOver !== undefined) over.delete(firstOver[0]);
  };

  return {
    take(key, limit) {
      const at = now();
      let entry = within.get(key) ?? over.get(key);
      if (entry === undefined || at - entry.start >= windowMs) {
        if (entry === undefined && within.size + over.size >= maxKeys) makeRoom(at);
        within.delete(key);
        over.delete(key);
        entry = { start: at, count: 0, limit };
        within.set(key, entry);
      }
      entry.count += 1;
      entry.limit = limit;
      if (entry.count <= limit) {
        // A limit raised since the key went over puts it back among the keys within theirs.
        if (over.delete(key)) within.set(key, entry);
        return { allowed: true, retryAfterSeconds: 0 };
      }
      if (within.delete(key)) over.set(key, entry);
      const retryAfterSeconds = Math.max(1, Math.ceil((entry.start + windowMs - at) / 1000));
      return { allowed: false, retryAfterSeconds };
    },
  };
}
