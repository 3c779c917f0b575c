import { randomBytes } from 'node:crypto';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startKeyVaultPeer, type KeyVaultPeer } from '../../local/peers/key-vault-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import { LocalDevCredential, isLocalDevToken } from '../identity/local-dev-credential.js';
import { createKeyVaultKek, type KeyVaultKekOptions } from './key-vault-kek.js';

const KEY_NAME = 'eds-field-kek';
const credential = new LocalDevCredential();

let peer: KeyVaultPeer;
let guard: LoopbackGuard;

function kek(overrides: Partial<KeyVaultKekOptions> = {}) {
  return createKeyVaultKek({
    vaultUrl: peer.vaultUrl,
    keyName: KEY_NAME,
    credential,
    clientOptions: peer.clientOptions(),
    ...overrides,
  });
}

beforeAll(async () => {
  stubHermeticEnv();
  guard = installLoopbackGuard();
  peer = await startKeyVaultPeer({ acceptToken: isLocalDevToken });
  peer.createKey(KEY_NAME);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await peer.close();
  guard.uninstall();
  vi.unstubAllEnvs();
});

describe('createKeyVaultKek against the local Key Vault', () => {
  it('wraps a data key in the vault and unwraps it to the same bytes', async () => {
    const provider = kek();
    const dataKey = randomBytes(32);

    const wrapped = await provider.wrap(dataKey);

    expect(wrapped.keyVersion).toBe(await provider.currentVersion());
    expect(wrapped.keyVersion).toMatch(/^[0-9a-f]{32}$/);
    expect(wrapped.wrapped).toHaveLength(256);
    expect(Buffer.from(await provider.unwrap(wrapped))).toEqual(dataKey);
  });

  it('used the vault for wrapKey and unwrapKey rather than wrapping locally', () => {
    const paths = peer.requests.filter((r) => r.status === 200).map((r) => r.path);

    expect(paths.some((path) => path.endsWith('/wrapkey'))).toBe(true);
    expect(paths.some((path) => path.endsWith('/unwrapkey'))).toBe(true);
  });

  it('wraps under the new version after a rotation and still unwraps the old one', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const provider = kek({ currentVersionTtlMs: 60_000 });
    const dataKey = randomBytes(32);
    const before = await provider.wrap(dataKey);

    const rotated = peer.createKey(KEY_NAME);
    expect((await provider.wrap(dataKey)).keyVersion).toBe(before.keyVersion);
    vi.advanceTimersByTime(60_000);
    const after = await provider.wrap(dataKey);

    expect(after.keyVersion).toBe(rotated);
    expect(after.keyVersion).not.toBe(before.keyVersion);
    expect(Buffer.from(await provider.unwrap(before))).toEqual(dataKey);
    expect(Buffer.from(await provider.unwrap(after))).toEqual(dataKey);
  });

  it('reports a missing key as CRYPTO_KEY_UNAVAILABLE without naming it', async () => {
    const error = await kek({ keyName: 'no-such-kek' })
      .currentVersion()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'CRYPTO_KEY_UNAVAILABLE', status: 503 });
    expect(error).toMatchObject({
      publicMessage: undefined,
      message: expect.stringContaining('404'),
    });
    expect(String((error as Error).message)).not.toContain('no-such-kek');
  });

  it('reports a denied key as CRYPTO_KEY_UNAVAILABLE', async () => {
    peer.createKey('denied-kek');
    peer.forbidKey('denied-kek');

    await expect(kek({ keyName: 'denied-kek' }).wrap(randomBytes(32))).rejects.toMatchObject({
      code: 'CRYPTO_KEY_UNAVAILABLE',
      message: expect.stringContaining('403'),
    });
  });

  it('reports an unknown version or a tampered wrapped key as CRYPTO_KEY_UNAVAILABLE', async () => {
    const provider = kek();
    const good = await provider.wrap(randomBytes(32));
    const tampered = Uint8Array.from(good.wrapped, (byte, i) => (i === 0 ? byte ^ 1 : byte));
    const attempts = [
      { keyVersion: 'f'.repeat(32), wrapped: good.wrapped },
      { keyVersion: good.keyVersion, wrapped: tampered },
    ];

    for (const attempt of attempts) {
      await expect(provider.unwrap(attempt)).rejects.toMatchObject({
        code: 'CRYPTO_KEY_UNAVAILABLE',
      });
    }
  });

  it('never puts a malformed version into a request URL', async () => {
    const provider = kek();
    const count = peer.requests.length;

    for (const keyVersion of ['../../secrets/db-password', 'ABC', '']) {
      await expect(
        provider.unwrap({ keyVersion, wrapped: new Uint8Array(256) }),
      ).rejects.toMatchObject({ code: 'CRYPTO_KEY_UNAVAILABLE' });
    }
    expect(peer.requests.length).toBe(count);
  });

  it('reports an unreachable vault as CRYPTO_KEY_UNAVAILABLE', async () => {
    const gone = await startKeyVaultPeer();
    await gone.close();
    const provider = kek({ vaultUrl: gone.vaultUrl, clientOptions: gone.clientOptions() });

    await expect(provider.currentVersion()).rejects.toMatchObject({
      code: 'CRYPTO_KEY_UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refuses a vault whose CA it does not trust: TLS verification stays on', async () => {
    const { tlsOptions: _, ...untrusting } = peer.clientOptions();
    const count = peer.requests.length;

    await expect(kek({ clientOptions: untrusting }).currentVersion()).rejects.toMatchObject({
      code: 'CRYPTO_KEY_UNAVAILABLE',
      message: expect.stringContaining('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
    });
    expect(peer.requests.length).toBe(count);
  });

  it('presented a local bearer token on every data call and only ever reached loopback', () => {
    const served = peer.requests.filter((r) => r.status !== 401);

    expect(served.length).toBeGreaterThan(5);
    expect(served.every((r) => r.authorized)).toBe(true);
    expect(peer.requests.filter((r) => !r.authorized).every((r) => r.status === 401)).toBe(true);
    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1')).toBe(true);
  });

  it('refuses a malformed key name at construction', () => {
    expect(() => kek({ keyName: 'bad/name' })).toThrow(/key name/);
  });
});
