import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startManagedIdentityPeer, type ManagedIdentityPeer } from './managed-identity-peer.js';

let peer: ManagedIdentityPeer;

async function ask(query: string, header: string | undefined) {
  const headers = header === undefined ? undefined : { 'X-IDENTITY-HEADER': header };
  const response = await fetch(`${peer.endpoint}?${query}`, headers ? { headers } : {});
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  peer = await startManagedIdentityPeer({ identityHeader: 'expected-header' });
});

afterAll(async () => {
  await peer.close();
});

describe('startManagedIdentityPeer', () => {
  it('issues a token in the App Service shape for the asked resource', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { status, body } = await ask(
      'api-version=2019-08-01&resource=https://vault.azure.net&client_id=abc',
      'expected-header',
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ resource: 'https://vault.azure.net', token_type: 'Bearer' });
    expect(body['access_token']).toBe(peer.issuedTokens.at(-1));
    expect(Number(body['expires_on'])).toBeGreaterThanOrEqual(now + 3599);
  });

  it('refuses a request with a missing or wrong identity header and issues nothing', async () => {
    const issued = peer.issuedTokens.length;

    expect((await ask('resource=https://vault.azure.net', undefined)).status).toBe(401);
    expect((await ask('resource=https://vault.azure.net', 'guess')).status).toBe(401);
    expect(peer.issuedTokens.length).toBe(issued);
    expect(peer.requests.slice(-2).map((r) => r.answered)).toEqual([401, 401]);
  });

  it('refuses a request without a resource', async () => {
    expect((await ask('api-version=2019-08-01', 'expected-header')).status).toBe(400);
  });
});
