import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createTokenCache } from './token-cache.js';

const MINUTE = 60_000;
const SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

function countingCredential(lifetimeMs = 10 * MINUTE, extra: Partial<AccessToken> = {}) {
  const getToken = vi.fn(async (): Promise<AccessToken> => ({
    token: `token-${getToken.mock.calls.length}`,
    expiresOnTimestamp: Date.now() + lifetimeMs,
    ...extra,
  }));
  return { getToken } satisfies TokenCredential;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createTokenCache', () => {
  it('serves the cached token until the refresh window opens, not before', async () => {
    const credential = countingCredential();
    const cache = createTokenCache(credential, SCOPE, { refreshBeforeMs: 2 * MINUTE });

    expect(await cache.getToken()).toBe('token-1');
    vi.advanceTimersByTime(8 * MINUTE - 1);
    expect(await cache.getToken()).toBe('token-1');
    expect(credential.getToken).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(await cache.getToken()).toBe('token-2');
    expect(credential.getToken).toHaveBeenCalledTimes(2);
    expect(credential.getToken).toHaveBeenLastCalledWith(SCOPE);
  });

  it('honours the credential refresh-after time when it comes first', async () => {
    const credential = countingCredential(60 * MINUTE, {
      refreshAfterTimestamp: Date.now() + 30 * MINUTE,
    });
    const cache = createTokenCache(credential, SCOPE, { refreshBeforeMs: 2 * MINUTE });

    await cache.getToken();
    vi.advanceTimersByTime(30 * MINUTE - 1);
    await cache.getToken();
    expect(credential.getToken).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    await cache.getToken();
    expect(credential.getToken).toHaveBeenCalledTimes(2);
  });

  it('shares one refresh among concurrent callers', async () => {
    const credential = countingCredential();
    const cache = createTokenCache(credential, SCOPE);

    const tokens = await Promise.all([cache.getToken(), cache.getToken(), cache.getToken()]);

    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(credential.getToken).toHaveBeenCalledTimes(1);
  });

  it('serves an unexpired token when a refresh fails, then fails once it expires', async () => {
    const credential = countingCredential();
    const cache = createTokenCache(credential, SCOPE, { refreshBeforeMs: 2 * MINUTE });
    await cache.getToken();
    credential.getToken.mockRejectedValue(new Error('identity endpoint down'));

    vi.advanceTimersByTime(9 * MINUTE);
    expect(await cache.getToken()).toBe('token-1');
    vi.advanceTimersByTime(MINUTE);
    await expect(cache.getToken()).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      status: 503,
    });
  });

  it('fails with STORE_UNAVAILABLE when the credential returns no token', async () => {
    const cache = createTokenCache({ getToken: async () => null }, SCOPE);

    await expect(cache.getToken()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
