import type { GetTokenOptions } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startCosmosPeer, type CosmosPeer } from '../../local/peers/cosmos-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import { testPrincipal } from '../db/test-support/test-database.js';
import { LocalDevCredential, isLocalDevToken } from '../identity/local-dev-credential.js';
import { createCosmosClient } from './cosmos-client.js';
import { createCosmosDocumentStore } from './cosmos-document-store.js';

const AZURE = { WEBSITE_INSTANCE_ID: 'abc' };
const MD_ANALYST = testPrincipal(['EDS.Analyst'], ['MD'], 'oid-md-analyst');

let peer: CosmosPeer;
let guard: LoopbackGuard;

beforeAll(async () => {
  stubHermeticEnv();
  guard = installLoopbackGuard();
  peer = await startCosmosPeer();
  // The Entra path cannot create containers (as in Azure), so key auth prepares them first.
  const setup = await createCosmosDocumentStore({ ...peerSettings(), key: peer.key });
  setup.close();
});

afterAll(async () => {
  await peer.close();
  guard.uninstall();
  vi.unstubAllEnvs();
});

function peerSettings() {
  return { endpoint: peer.endpoint, ca: peer.ca, databaseId: 'eds' };
}

describe('createCosmosClient', () => {
  it('authenticates with Entra tokens from the credential and never with a key', async () => {
    const local = new LocalDevCredential();
    const scopes: string[] = [];
    const credential = {
      getToken: (scope: string | string[], options?: GetTokenOptions) => {
        scopes.push(...[scope].flat());
        return local.getToken(scope, options);
      },
    };
    const before = peer.requests.length;
    const store = await createCosmosDocumentStore({ ...peerSettings(), credential });

    await store.putDocumentMetadata(MD_ANALYST, {
      id: 'aad-1',
      division: 'MD',
      title: 'Entra-authenticated write',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      sizeBytes: 1,
      sha256: 'b'.repeat(64),
      classification: 'PUBLIC',
    });
    const read = await store.getDocumentMetadata(MD_ANALYST, 'MD', 'aad-1');
    store.close();
    const requests = peer.requests.slice(before);

    expect(read.title).toBe('Entra-authenticated write');
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.every((r) => r.authType === 'aad' && isLocalDevToken(r.aadToken ?? ''))).toBe(
      true,
    );
    expect(new Set(scopes)).toEqual(new Set([`${peer.endpoint}/.default`]));
  });

  it('fails at start when the containers infrastructure should have made are missing', async () => {
    const credential = new LocalDevCredential();
    const settings = { ...peerSettings(), databaseId: 'never-created', credential };

    await expect(createCosmosDocumentStore(settings)).rejects.toThrow(/documents is missing/);
  });

  it('fails at start when a container is partitioned by anything but the scope key', async () => {
    const owned = createCosmosClient({ endpoint: peer.endpoint, ca: peer.ca, key: peer.key }, {});
    const { database } = await owned.client.databases.createIfNotExists({ id: 'misprovisioned' });
    await database.containers.createIfNotExists({ id: 'documents', partitionKey: '/id' });
    owned.dispose();
    const credential = new LocalDevCredential();
    const settings = { ...peerSettings(), databaseId: 'misprovisioned', credential };

    await expect(createCosmosDocumentStore(settings)).rejects.toThrow(/documents partition key/);
  });

  it('refuses key auth when the app runs in Azure', () => {
    const settings = { endpoint: peer.endpoint, key: peer.key };

    expect(() => createCosmosClient(settings, AZURE)).toThrow(/local server only/);
  });

  it('refuses key auth against anything but loopback', () => {
    const settings = { endpoint: 'https://eds-prod.documents.azure.com', key: peer.key };

    expect(() => createCosmosClient(settings, {})).toThrow(/local server only/);
  });

  it('refuses an endpoint that is not https', () => {
    const credential = new LocalDevCredential();

    expect(() => createCosmosClient({ endpoint: 'http://127.0.0.1:1', credential }, {})).toThrow(
      /https/,
    );
  });

  it('fails with STORE_UNAVAILABLE for an untrusted peer CA: TLS checks stay on', async () => {
    const { ca: _, ...untrusting } = peerSettings();
    const before = peer.requests.length;

    await expect(createCosmosDocumentStore({ ...untrusting, key: peer.key })).rejects.toMatchObject(
      {
        code: 'STORE_UNAVAILABLE',
        status: 503,
      },
    );
    expect(peer.requests.length).toBe(before);
  });

  it('reached only the loopback peer', () => {
    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1')).toBe(true);
  });
});
