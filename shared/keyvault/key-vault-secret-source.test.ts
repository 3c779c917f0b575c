import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startKeyVaultPeer, type KeyVaultPeer } from '../../local/peers/key-vault-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import { LocalDevCredential, isLocalDevToken } from '../identity/local-dev-credential.js';
import { createKeyVaultSecretSource } from './key-vault-secret-source.js';

const REFRESH_MS = 60_000;

let peer: KeyVaultPeer;
let guard: LoopbackGuard;

function source() {
  return createKeyVaultSecretSource({
    vaultUrl: peer.vaultUrl,
    credential: new LocalDevCredential(),
    clientOptions: peer.clientOptions(),
    refreshAfterMs: REFRESH_MS,
  });
}

const secretReads = (name: string): number =>
  peer.requests.filter((r) => r.authorized && r.path.startsWith(`/secrets/${name}`)).length;

beforeAll(async () => {
  stubHermeticEnv();
  guard = installLoopbackGuard();
  peer = await startKeyVaultPeer({ acceptToken: isLocalDevToken });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await peer.close();
  guard.uninstall();
  vi.unstubAllEnvs();
});

describe('createKeyVaultSecretSource against the local Key Vault', () => {
  it('serves a cached secret until the refresh interval, then the new version', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const first = peer.setSecret('search-api-key', 'value-one');
    const secrets = source();

    expect(await secrets.getSecret('search-api-key')).toEqual({
      name: 'search-api-key',
      version: first,
      value: 'value-one',
    });
    const second = peer.setSecret('search-api-key', 'value-two');
    vi.advanceTimersByTime(REFRESH_MS - 1);
    expect((await secrets.getSecret('search-api-key')).value).toBe('value-one');
    expect(secretReads('search-api-key')).toBe(1);

    vi.advanceTimersByTime(1);
    expect(await secrets.getSecret('search-api-key')).toMatchObject({
      version: second,
      value: 'value-two',
    });
    expect((await secrets.getSecret('search-api-key')).value).toBe('value-two');
    expect(secretReads('search-api-key')).toBe(2);
  });

  it('never serves the old value again once a refresh has seen the new version', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    peer.setSecret('db-password', 'old');
    const secrets = source();
    await secrets.getSecret('db-password');
    peer.setSecret('db-password', 'new');

    const seen: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      vi.advanceTimersByTime(REFRESH_MS);
      seen.push((await secrets.getSecret('db-password')).value);
    }

    expect(seen).toEqual(['new', 'new', 'new', 'new']);
  });

  it('keeps the cached value when a refresh finds the same version', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    peer.setSecret('webhook-secret', 'steady');
    const secrets = source();
    const before = await secrets.getSecret('webhook-secret');

    vi.advanceTimersByTime(REFRESH_MS);
    const after = await secrets.getSecret('webhook-secret');

    expect(after).toBe(before);
    expect(secretReads('webhook-secret')).toBe(2);
  });

  it('shares one request among concurrent reads of the same secret', async () => {
    peer.setSecret('shared-secret', 'once');
    const secrets = source();

    const values = await Promise.all([1, 2, 3].map(() => secrets.getSecret('shared-secret')));

    expect(values.map((v) => v.value)).toEqual(['once', 'once', 'once']);
    expect(secretReads('shared-secret')).toBe(1);
  });

  it('reports a missing secret as CRYPTO_KEY_UNAVAILABLE without naming it', async () => {
    const error = await source()
      .getSecret('missing-secret')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'CRYPTO_KEY_UNAVAILABLE', status: 503 });
    expect((error as Error).message).not.toContain('missing-secret');
  });

  it('refuses a malformed secret name without a request', async () => {
    const count = peer.requests.length;

    await expect(source().getSecret('../keys/eds-kek')).rejects.toThrow(/Malformed/);
    expect(peer.requests.length).toBe(count);
  });

  it('presented a bearer token on every data call and only ever reached loopback', () => {
    const served = peer.requests.filter((r) => r.status !== 401);

    expect(served.length).toBeGreaterThan(3);
    expect(served.every((r) => r.authorized)).toBe(true);
    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1')).toBe(true);
  });
});
