import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startKeyVaultPeer, type KeyVaultPeer } from '../../local/peers/key-vault-peer.js';
import {
  startManagedIdentityPeer,
  type ManagedIdentityPeer,
} from '../../local/peers/managed-identity-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import { createAppCredential } from '../identity/app-credential.js';
import { createKeyVaultKek } from './key-vault-kek.js';
import { createKeyVaultSecretSource } from './key-vault-secret-source.js';

const CLIENT_ID = '0b5a3f7e-2d4c-4a8e-9f1b-6c7d8e9f0a1b';

let identity: ManagedIdentityPeer;
let vault: KeyVaultPeer;
let guard: LoopbackGuard;

beforeAll(async () => {
  stubHermeticEnv();
  guard = installLoopbackGuard();
  identity = await startManagedIdentityPeer();
  vault = await startKeyVaultPeer({
    acceptToken: (token) => identity.issuedTokens.includes(token),
  });
  vi.stubEnv('IDENTITY_ENDPOINT', identity.endpoint);
  vi.stubEnv('IDENTITY_HEADER', identity.identityHeader);
});

afterAll(async () => {
  await vault.close();
  await identity.close();
  guard.uninstall();
  vi.unstubAllEnvs();
});

describe('Key Vault through the managed identity, as in Azure', () => {
  it('wraps, unwraps and reads a secret with tokens the managed identity obtained', async () => {
    const credential = createAppCredential({ mode: 'managed-identity', clientId: CLIENT_ID });
    vault.createKey('eds-field-kek');
    vault.setSecret('search-api-key', 'from-vault');
    const options = { vaultUrl: vault.vaultUrl, credential, clientOptions: vault.clientOptions() };
    const kek = createKeyVaultKek({ ...options, keyName: 'eds-field-kek' });
    const dataKey = randomBytes(32);

    const unwrapped = await kek.unwrap(await kek.wrap(dataKey));
    const secret = await createKeyVaultSecretSource(options).getSecret('search-api-key');

    expect(Buffer.from(unwrapped)).toEqual(dataKey);
    expect(secret.value).toBe('from-vault');
  });

  it('asked the identity endpoint for the vault resource with the client id and header', () => {
    expect(identity.requests.length).toBeGreaterThan(0);
    expect(
      identity.requests.every(
        (r) =>
          r.resource === 'https://vault.azure.net' &&
          r.clientId === CLIENT_ID &&
          r.identityHeader === identity.identityHeader &&
          r.answered === 200,
      ),
    ).toBe(true);
  });

  it('served vault data only to requests carrying a managed-identity token', () => {
    const served = vault.requests.filter((r) => r.status !== 401);

    expect(served.length).toBeGreaterThan(3);
    expect(served.every((r) => r.authorized)).toBe(true);
  });

  it('connected to the two loopback peers and nothing else', () => {
    const ports = [identity.endpoint, vault.vaultUrl].map((url) => Number(new URL(url).port));

    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1' && ports.includes(a.port ?? 0))).toBe(
      true,
    );
  });
});
