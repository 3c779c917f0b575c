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

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowSeconds * 1000;
  const maxKeys = options.maxKeys ?? 50_000;
  const now = options.now ?? Date.now;
  // Oldest first: a key moves to the end when its window starts again.
  const windows = new Map<string, { start: number; count: number; limit: number }>();

  /**
   * Frees one place for a new key: the oldest key whose window has passed or that is within its
   * limit. A key over its limit keeps its count, so a flood of new keys cannot reset it; only
   * when every tracked key is over its limit does the oldest go.
   */
  const makeRoom = (at: number): void => {
    for (const [key, entry] of windows) {
      if (at - entry.start >= windowMs || entry.count <= entry.limit) {
        windows.delete(key);
        return;
      }
    }
    const oldest = windows.keys().next();
    if (oldest.done !== true) windows.delete(oldest.value);
  };

  return {
    take(key, limit) {
      const at = now();
      let entry = windows.get(key);
      if (entry === undefined || at - entry.start >= windowMs) {
        if (entry === undefined && windows.size >= maxKeys) makeRoom(at);
        entry = { start: at, count: 0, limit };
        windows.delete(key);
        windows.set(key, entry);
      }
      entry.count += 1;
      entry.limit = limit;
      if (entry.count <= limit) return { allowed: true, retryAfterSeconds: 0 };
      const retryAfterSeconds = Math.max(1, Math.ceil((entry.start + windowMs - at) / 1000));
      return { allowed: false, retryAfterSeconds };
    },
  };
}
