import { request } from 'node:https';

import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { LocalDevCredential } from '../../shared/identity/local-dev-credential.js';
import { startKeyVaultPeer, type KeyVaultPeer } from './key-vault-peer.js';
import { stubHermeticEnv } from './test-support/hermetic-env.js';

const TENANT = '11111111-2222-4333-8444-555555555555';

let peer: KeyVaultPeer;

function rawGet(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; challenge: string | undefined; body: string }>(
    (resolve, reject) => {
      const url = new URL(path, peer.vaultUrl);
      const req = request(url, { ca: peer.ca, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const challenge = res.headers['www-authenticate'];
          resolve({ status: res.statusCode ?? 0, challenge, body });
        });
      });
      req.on('error', reject).end();
    },
  );
}

beforeAll(async () => {
  stubHermeticEnv();
  peer = await startKeyVaultPeer({ tenantId: TENANT });
});

afterAll(async () => {
  await peer.close();
  vi.unstubAllEnvs();
});

describe('startKeyVaultPeer', () => {
  it('answers a request without a bearer token with 401 and the Key Vault challenge', async () => {
    peer.setSecret('probe', 'hidden-value');
    const response = await rawGet('/secrets/probe?api-version=2025-07-01');

    expect(response.status).toBe(401);
    const authority = `https://login.microsoftonline.com/${TENANT}`;
    expect(response.challenge).toBe(
      `Bearer authorization="${authority}", resource="https://vault.azure.net"`,
    );
    expect(response.body).not.toContain('hidden-value');
  });

  it('answers 401 to an empty or non-bearer Authorization header', async () => {
    for (const authorization of ['Bearer ', 'Basic dXNlcjpwYXNz', 'bearer']) {
      expect((await rawGet('/secrets/probe', { authorization })).status).toBe(401);
    }
  });

  it('creates and rotates keys and reads each version through the official KeyClient', async () => {
    const keys = new KeyClient(peer.vaultUrl, new LocalDevCredential(), peer.clientOptions());

    const created = await keys.createRsaKey('sdk-key');
    const rotated = await keys.rotateKey('sdk-key');
    const latest = await keys.getKey('sdk-key');
    const old = await keys.getKey('sdk-key', { version: created.properties.version ?? '' });

    expect(rotated.properties.version).not.toBe(created.properties.version);
    expect(latest.properties.version).toBe(rotated.properties.version);
    expect(old.key?.n).toEqual(created.key?.n);
    expect(latest.id).toBe(`${peer.vaultUrl}/keys/sdk-key/${rotated.properties.version}`);
    expect(latest.keyOperations).toEqual(expect.arrayContaining(['wrapKey', 'unwrapKey']));
  });

  it('sets and reads secret versions through the official SecretClient', async () => {
    const secrets = new SecretClient(peer.vaultUrl, new LocalDevCredential(), peer.clientOptions());

    const first = await secrets.setSecret('sdk-secret', 'one');
    await secrets.setSecret('sdk-secret', 'two');

    expect((await secrets.getSecret('sdk-secret')).value).toBe('two');
    const version = first.properties.version ?? '';
    expect((await secrets.getSecret('sdk-secret', { version })).value).toBe('one');
  });

  it('answers 404 with the service error code for a missing key or secret', async () => {
    const auth = { authorization: 'Bearer token' };

    expect(JSON.parse((await rawGet('/keys/none/', auth)).body)).toMatchObject({
      error: { code: 'KeyNotFound' },
    });
    expect((await rawGet('/secrets/none', auth)).status).toBe(404);
  });
});
