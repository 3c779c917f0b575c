import type { AccessToken, TokenCredential } from '@azure/identity';

import { AppError } from '../errors/app-error.js';

/** A raw bearer token for one scope, refreshed ahead of expiry (for tedious and pg). */
export interface TokenCache {
  /** The cached token while it is outside the refresh window, else a fresh one. */
  getToken(): Promise<string>;
}

/** Options of {@link createTokenCache}. */
export interface TokenCacheOptions {
  /** Refresh once the token is this close to expiry; five minutes when absent. */
  readonly refreshBeforeMs?: number;
}

const DEFAULT_REFRESH_BEFORE_MS = 5 * 60 * 1000;

/**
 * Caches a credential's access token for one scope and refreshes it when it comes within
 * `refreshBeforeMs` of expiry (or past the credential's own `refreshAfterTimestamp`). Concurrent
 * callers share one refresh. If a refresh fails while the cached token is still unexpired, the
 * cached token is served and the next call tries again.
 *
 * Time is `Date.now()`, so tests drive it with fake timers.
 *
 * @throws AppError STORE_UNAVAILABLE when no unexpired token can be had; `cause` holds the
 * credential's error.
 */
export function createTokenCache(
  credential: TokenCredential,
  scope: string,
  options: TokenCacheOptions = {},
): TokenCache {
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  const isFresh = (token: AccessToken, now: number): boolean =>
    now < token.expiresOnTimestamp - refreshBeforeMs &&
    (token.refreshAfterTimestamp === undefined || now < token.refreshAfterTimestamp);

  const refresh = async (): Promise<AccessToken> => {
    const token = await credential.getToken(scope);
    if (token === null) throw new Error('The credential returned no token');
    cached = token;
    return token;
  };

  return {
    async getToken() {
      const now = Date.now();
      if (cached !== undefined && isFresh(cached, now)) return cached.token;
      pending ??= refresh().finally(() => {
        pending = undefined;
      });
      try {
        return (await pending).token;
      } catch (cause) {
        if (cached !== undefined && Date.now() < cached.expiresOnTimestamp) return cached.token;
        throw new AppError('STORE_UNAVAILABLE', 'Access token refresh failed', { cause });
      }
    },
  };
}
