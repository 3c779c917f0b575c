import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startCosmosPeer, type CosmosPeer } from '../../local/peers/cosmos-peer.js';
import { stubHermeticEnv } from '../../local/peers/test-support/hermetic-env.js';
import {
  installLoopbackGuard,
  type LoopbackGuard,
} from '../../local/peers/test-support/loopback-guard.js';
import type { Division } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { testPrincipal } from '../db/test-support/test-database.js';
import { createCosmosDocumentStore, type CosmosDocumentStore } from './cosmos-document-store.js';
import type { DocumentMetadataInput } from './document-metadata.js';

const MD_ANALYST = testPrincipal(['EDS.Analyst'], ['MD'], 'oid-md-analyst');
const DC_ANALYST = testPrincipal(['EDS.Analyst'], ['DC'], 'oid-dc-analyst');
const USER_A = testPrincipal(['EDS.Analyst'], ['MD'], 'oid-user-a');
const USER_B = testPrincipal(['EDS.Analyst'], ['MD'], 'oid-user-b');
const HOSTILE = [
  `' OR 1=1 --`,
  `"quoted" and \\"escaped\\"`,
  'back\\slash\\',
  '@x @division',
  '/* */ SELECT * FROM c',
];

let peer: CosmosPeer;
let guard: LoopbackGuard;
let store: CosmosDocumentStore;

function doc(id: string, division: Division, overrides: Partial<DocumentMetadataInput> = {}) {
  return {
    id,
    division,
    agreementId: 'AGR-2026-001',
    title: `Project agreement ${id}`,
    fileName: `${id}.pdf`,
    contentType: 'application/pdf',
    sizeBytes: 12_345,
    sha256: 'a'.repeat(64),
    classification: 'INTERNAL',
    ...overrides,
  } satisfies DocumentMetadataInput;
}

/** The divisions of a page's items, or the error code when the page is refused. */
async function divisionsOrCode(
  principal: VerifiedPrincipal,
  division: Division,
  continuationToken: string,
): Promise<string | string[]> {
  return store.findDocumentMetadata(principal, division, { limit: 2, continuationToken }).then(
    (page) => page.items.map((item) => item.division),
    (error: { code: string }) => error.code,
  );
}

const isRejectedOrOnly =
  (division: Division) =>
  (outcome: string | string[]): boolean =>
    outcome === 'VALIDATION_FAILED' ||
    (Array.isArray(outcome) && outcome.every((d) => d === division));

beforeAll(async () => {
  stubHermeticEnv();
  guard = installLoopbackGuard();
  peer = await startCosmosPeer();
  store = await createCosmosDocumentStore({
    endpoint: peer.endpoint,
    key: peer.key,
    ca: peer.ca,
    databaseId: 'eds',
    maxMessagesPerConversation: 5,
  });
});

afterAll(async () => {
  store.close();
  await peer.close();
  guard.uninstall();
  vi.unstubAllEnvs();
});

describe('document metadata', () => {
  it('reads back a stored document, stamped with its writer, without Cosmos fields', async () => {
    const written = await store.putDocumentMetadata(MD_ANALYST, doc('md-1', 'MD'));
    const read = await store.getDocumentMetadata(MD_ANALYST, 'MD', 'md-1');

    expect(read).toEqual(written);
    expect(read).toMatchObject({ ...doc('md-1', 'MD'), updatedBy: 'oid-md-analyst' });
    expect(Object.keys(read).filter((key) => key.startsWith('_'))).toEqual([]);
  });

  it('hides an MD document from a DC analyst, even by id, before any request', async () => {
    await store.putDocumentMetadata(MD_ANALYST, doc('md-secret', 'MD'));
    const before = peer.requests.length;

    await expect(store.getDocumentMetadata(DC_ANALYST, 'MD', 'md-secret')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      status: 404,
    });
    await expect(store.findDocumentMetadata(DC_ANALYST, 'MD')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
    });
    expect(peer.requests.length).toBe(before);
  });

  it('finds nothing when a DC analyst asks for an MD id in DC', async () => {
    await expect(store.getDocumentMetadata(DC_ANALYST, 'DC', 'md-secret')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
    });
    expect((await store.findDocumentMetadata(DC_ANALYST, 'DC')).items).toEqual([]);
  });

  it('refuses a write into a division the caller is not assigned', async () => {
    await expect(
      store.putDocumentMetadata(DC_ANALYST, doc('dc-into-md', 'MD')),
    ).rejects.toMatchObject({ code: 'AUTH_FORBIDDEN', status: 403 });
  });

  it('treats a value that is not a division, or a malformed id, as not found', async () => {
    for (const [division, id] of [
      [`MD' OR 1=1 --`, 'md-1'],
      ['MD', 'md-1/../x'],
      ['md', 'md-1'],
    ]) {
      await expect(
        store.getDocumentMetadata(MD_ANALYST, division as string, id as string),
      ).rejects.toMatchObject({ code: 'DATA_NOT_FOUND' });
    }
  });

  it('rejects malformed metadata naming the fields but not the values', async () => {
    const bad = { ...doc('md-bad', 'MD'), sha256: 'not-a-hash', extra: 'secret-value' };
    const error = await store
      .putDocumentMetadata(MD_ANALYST, bad as never)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    const issues = (error as { details: { issues: { path: string }[] } }).details.issues;
    expect(issues.map((issue) => issue.path).sort()).toEqual(['', 'sha256']);
    expect(JSON.stringify(error)).not.toContain('secret-value');
  });

  it('stores Cosmos SQL metacharacters verbatim and reads them back unchanged', async () => {
    for (const [i, text] of HOSTILE.entries()) {
      const input = doc(`md-hostile-${i}`, 'MD', { title: text, description: text, tags: [text] });
      await store.putDocumentMetadata(MD_ANALYST, input);

      const read = await store.getDocumentMetadata(MD_ANALYST, 'MD', `md-hostile-${i}`);
      expect([read.title, read.description, read.tags]).toEqual([text, text, [text]]);
    }
    const listed = await store.findDocumentMetadata(MD_ANALYST, 'MD', { limit: 100 });
    const titles = listed.items.filter((item) => item.id.startsWith('md-hostile-'));
    expect(titles.map((item) => item.title)).toEqual(HOSTILE);
    expect(listed.items.every((item) => item.division === 'MD')).toBe(true);
  });

  it('pages through a division by continuation token, each item once, in id order', async () => {
    const writer = testPrincipal(['EDS.Analyst'], ['VA', 'WV'], 'oid-va-manager');
    const ids = Array.from({ length: 7 }, (_, i) => `va-${String(i).padStart(2, '0')}`);
    for (const id of [...ids].reverse()) await store.putDocumentMetadata(writer, doc(id, 'VA'));
    await store.putDocumentMetadata(writer, doc('wv-00', 'WV'));

    const pages: string[][] = [];
    let continuationToken: string | undefined;
    do {
      const request =
        continuationToken === undefined ? { limit: 3 } : { limit: 3, continuationToken };
      const page = await store.findDocumentMetadata(writer, 'VA', request);
      pages.push(page.items.map((item) => item.id));
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);

    expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
  });

  it('never lets a continuation token from one division page through another', async () => {
    const writer = testPrincipal(['EDS.Analyst'], ['VA', 'WV'], 'oid-va-manager');
    const first = await store.findDocumentMetadata(writer, 'VA', { limit: 2 });
    const continuationToken = first.continuationToken ?? '';

    const outcome = await divisionsOrCode(writer, 'WV', continuationToken);

    expect(continuationToken).not.toBe('');
    expect(outcome).toSatisfy(isRejectedOrOnly('WV'));
  });

  it('returns nothing outside the division for a forged continuation token', async () => {
    const forged = ['garbage', '{"token":"+RID:x#RT:1","range":{"min":"","max":"FF"}}'];

    for (const continuationToken of forged) {
      expect(await divisionsOrCode(MD_ANALYST, 'MD', continuationToken)).toSatisfy(
        isRejectedOrOnly('MD'),
      );
    }
  });

  it.each([
    ['a zero limit', { limit: 0 }],
    ['a limit over 100', { limit: 101 }],
    ['a fractional limit', { limit: 1.5 }],
    ['an empty continuation token', { continuationToken: '' }],
    ['an oversized continuation token', { continuationToken: 'x'.repeat(9000) }],
  ])('rejects %s as VALIDATION_FAILED', async (_, page) => {
    await expect(store.findDocumentMetadata(MD_ANALYST, 'MD', page)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('chat history', () => {
  it('never returns user A chat history to user B, who gets a separate one', async () => {
    await store.appendChatMessage(USER_A, 'conv-1', { role: 'user', content: 'A asks' });
    await store.appendChatMessage(USER_A, 'conv-1', { role: 'assistant', content: 'A answer' });

    await expect(store.getConversation(USER_B, 'conv-1')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      status: 404,
    });
    const b = await store.appendChatMessage(USER_B, 'conv-1', { role: 'user', content: 'B asks' });
    const a = await store.getConversation(USER_A, 'conv-1');

    expect(b.messages.map((m) => m.content)).toEqual(['B asks']);
    expect(a.messages.map((m) => m.content)).toEqual(['A asks', 'A answer']);
    expect([a.userId, b.userId]).toEqual(['oid-user-a', 'oid-user-b']);
  });

  it('stores a conversation with its TTL and timestamps', async () => {
    const conversation = await store.appendChatMessage(USER_A, 'conv-ttl', {
      role: 'user',
      content: 'hello',
      citations: [{ documentId: 'md-1' }],
    });

    expect(conversation).toMatchObject({
      id: 'conv-ttl',
      conversationId: 'conv-ttl',
      ttl: 7_776_000,
    });
    expect(conversation.messages[0]).toMatchObject({ citations: [{ documentId: 'md-1' }] });
    expect(Date.parse(conversation.createdAt)).not.toBeNaN();
  });

  it('stores SQL metacharacters in messages verbatim', async () => {
    for (const text of HOSTILE)
      await store.appendChatMessage(USER_B, 'conv-hostile', { role: 'user', content: text });

    const read = await store.getConversation(USER_B, 'conv-hostile');
    expect(read.messages.map((m) => m.content)).toEqual(HOSTILE);
  });

  it('keeps only the newest messages beyond the per-conversation limit', async () => {
    for (let i = 1; i <= 7; i += 1) {
      await store.appendChatMessage(USER_A, 'conv-long', { role: 'user', content: `m${i}` });
    }

    const read = await store.getConversation(USER_A, 'conv-long');
    expect(read.messages.map((m) => m.content)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('keeps every message of concurrent appends to one conversation', async () => {
    const contents = ['one', 'two', 'three'];
    await Promise.all(
      contents.map((content) =>
        store.appendChatMessage(USER_B, 'conv-race', { role: 'user', content }),
      ),
    );

    const read = await store.getConversation(USER_B, 'conv-race');
    expect(read.messages.map((m) => m.content).sort()).toEqual([...contents].sort());
  });

  it('rejects a malformed conversation id or message and finds no malformed id', async () => {
    await expect(
      store.appendChatMessage(USER_A, `c' OR 1=1`, { role: 'user', content: 'x' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      store.appendChatMessage(USER_A, 'conv-x', { role: 'system', content: 'x' } as never),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store.getConversation(USER_A, '../conv-1')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
    });
  });
});

describe('the connection', () => {
  it('used key auth against the loopback peer only', () => {
    expect(peer.requests.length).toBeGreaterThan(10);
    expect(peer.requests.every((r) => r.authType === 'master')).toBe(true);
    expect(guard.blocked()).toEqual([]);
    expect(guard.attempts.every((a) => a.host === '127.0.0.1')).toBe(true);
  });
});
