import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  startManagedIdentityPeer,
  type ManagedIdentityPeer,
} from '../../local/peers/managed-identity-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import { assertAppServiceIdentityEnvironment, createAppCredential } from './app-credential.js';
import { LocalDevCredential, isLocalDevToken } from './local-dev-credential.js';

const CLIENT_ID = '0b5a3f7e-2d4c-4a8e-9f1b-6c7d8e9f0a1b';

let peer: ManagedIdentityPeer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = installLoopbackGuard();
  peer = await startManagedIdentityPeer();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await peer.close();
  guard.uninstall();
});

beforeEach(() => {
  vi.unstubAllEnvs();
  stubHermeticEnv();
  vi.stubEnv('IDENTITY_ENDPOINT', peer.endpoint);
  vi.stubEnv('IDENTITY_HEADER', peer.identityHeader);
});

describe('createAppCredential with a managed identity', () => {
  it('gets its token from the App Service endpoint with resource, header, client id', async () => {
    const credential = createAppCredential({ mode: 'managed-identity', clientId: CLIENT_ID });
    const token = await credential.getToken('https://vault.azure.net/.default');

    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
    expect(token?.token).toBe(peer.issuedTokens.at(-1));
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(peer.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/msi/token',
      apiVersion: '2019-08-01',
      resource: 'https://vault.azure.net',
      clientId: CLIENT_ID,
      identityHeader: peer.identityHeader,
      answered: 200,
    });
  });

  it('sent every connection to the loopback peer and none to the metadata address', () => {
    const port = Number(new URL(peer.endpoint).port);

    expect(guard.attempts.length).toBeGreaterThan(0);
    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1' && a.port === port)).toBe(true);
  });

  it.each([
    ['IDENTITY_ENDPOINT is missing', { IDENTITY_ENDPOINT: undefined }],
    ['IDENTITY_HEADER is missing', { IDENTITY_HEADER: undefined }],
    ['the endpoint is the metadata address', { IDENTITY_ENDPOINT: 'http://169.254.169.254/msi' }],
    [
      'the endpoint is the metadata address as a number',
      { IDENTITY_ENDPOINT: 'http://2852039166/' },
    ],
    [
      'the endpoint is the IPv6-mapped metadata address',
      { IDENTITY_ENDPOINT: 'http://[::ffff:169.254.169.254]/' },
    ],
    ['the endpoint is not a URL', { IDENTITY_ENDPOINT: 'not a url' }],
    ['the endpoint is not http(s)', { IDENTITY_ENDPOINT: 'file:///etc/passwd' }],
    ['Service Fabric would be chosen first', { IDENTITY_SERVER_THUMBPRINT: 'AB' }],
    ['the AKS token exchange would be chosen first', { AZURE_FEDERATED_TOKEN_FILE: '/t' }],
  ])('refuses to build when %s, so no request can fall through to IMDS', (_, env) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const before = guard.attempts.length;

    expect(() => createAppCredential({ mode: 'managed-identity', clientId: CLIENT_ID })).toThrow();
    expect(guard.attempts.length).toBe(before);
  });

  it('accepts an App Service environment that also carries the legacy MSI variables', () => {
    vi.stubEnv('MSI_ENDPOINT', peer.endpoint);
    vi.stubEnv('MSI_SECRET', 'legacy');

    expect(() => assertAppServiceIdentityEnvironment(process.env)).not.toThrow();
  });
});

describe('createAppCredential for a local run', () => {
  it('issues a local token in process without opening any connection', async () => {
    await peer.close();
    const before = guard.attempts.length;
    const credential = createAppCredential({ mode: 'local' });
    const token = await credential.getToken(['https://vault.azure.net/.default']);

    expect(credential).toBeInstanceOf(LocalDevCredential);
    expect(isLocalDevToken(token?.token ?? '')).toBe(true);
    expect(token?.tokenType).toBe('Bearer');
    expect(guard.attempts.length).toBe(before);
    peer = await startManagedIdentityPeer();
  });

  it('refuses the local credential when the app runs in Azure', () => {
    vi.stubEnv('WEBSITE_INSTANCE_ID', 'instance');

    expect(() => createAppCredential({ mode: 'local' })).toThrow(/refused in Azure/);
  });

  it('issues a different token on every call and none for an empty scope', async () => {
    const credential = new LocalDevCredential();
    const first = await credential.getToken('https://cosmos.azure.com/.default');
    const second = await credential.getToken('https://cosmos.azure.com/.default');

    expect(first.token).not.toBe(second.token);
    await expect(credential.getToken([])).rejects.toThrow();
  });
});
