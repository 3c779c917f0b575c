import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { openLocalKeyRing } from '../../shared/crypto/local-key-ring.js';
import { einKeyVersionsInUse } from '../../shared/crypto/test-support/ein-key-versions.js';
import { fieldsOf, pageOf } from '../../test/support/response-body.js';
import { startTestHost, type TestHost } from '../../test/support/test-host.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The object id of the app that asks for the runs. */
const JOBS_APP = '7d0c6f2a-5b1e-4c3d-9a8f-1e2d3c4b5a60';
const UNMASK_REASON = { fields: ['ein'], reason: 'Key rotation check of a known recipient' };

let t: TestHost;
let dataDir: string;

function versionsInUse(): Promise<string[]> {
  return einKeyVersionsInUse(t.host.services.db);
}

async function rotationEvents(): Promise<Record<string, unknown>[]> {
  const events = await t.auditEvents();
  return events.filter((event) => event['name'] === 'crypto.key_rotation');
}

async function unmaskFirstDcRecipient(): Promise<{ id: number; ein: string }> {
  const token = await t.token(['EDS.PiiReader', 'EDS.Reader'], ['DC']);
  const list = await t.request('GET', '/api/v1/recipients?limit=1', { token });
  const id = Number(pageOf(list).items[0]?.['id']);
  const unmask = await t.request('POST', `/api/v1/recipients/${id}/unmask`, {
    token,
    json: UNMASK_REASON,
  });
  expect(unmask.status).toBe(200);
  return { id, ein: String(fieldsOf(unmask)['ein']) };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'eds-rotate-'));
  // A key ring whose only version is 100 days old: due under the default 90-day policy.
  const created = new Date(Date.now() - 100 * DAY_MS);
  await openLocalKeyRing(join(dataDir, 'keys'), { env: {}, now: () => created });
  t = await startTestHost({ env: { EDS_DATA_DIR: dataDir } });
});

afterAll(async () => {
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('data-rotate-field-keys', () => {
  it('rotates a KEK past its age on demand, re-wraps every EIN and audits the run', async () => {
    expect(await versionsInUse()).toEqual(['kek-0001']);
    const before = await unmaskFirstDcRecipient();
    const jobs = await t.token(['EDS.Jobs'], [], { app: true, objectId: JOBS_APP });

    const run = await t.request('POST', '/admin/functions/data-rotate-field-keys', { token: jobs });

    expect(run.status).toBe(202);
    expect(t.host.services.keyRing.listVersions().map((v) => v.version)).toEqual([
      'kek-0001',
      'kek-0002',
    ]);
    expect(await versionsInUse()).toEqual(['kek-0002']);
    expect(await unmaskFirstDcRecipient()).toEqual(before);
    const [event] = await rotationEvents();
    expect(event).toMatchObject({
      type: 'security.event',
      actor: JOBS_APP,
      correlationId: run.headers.get('x-correlation-id'),
      outcome: 'success',
      detail: { keyVersion: 'kek-0002', kekRotated: true, skipped: 0, remaining: 0 },
    });
    expect(Number((event?.['detail'] as Record<string, unknown>)['rewrapped'])).toBe(172);
  });

  it('adds no version and re-wraps nothing when run again the same day', async () => {
    const jobs = await t.token(['EDS.Jobs'], [], { app: true });
    const run = await t.request('POST', '/admin/functions/data-rotate-field-keys', { token: jobs });
    expect(run.status).toBe(202);
    expect(t.host.services.keyRing.listVersions()).toHaveLength(2);
    const events = await rotationEvents();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ detail: { kekRotated: false, rewrapped: 0 } });
  });

  it('refuses the on-demand run to a user token', async () => {
    const user = await t.token(['EDS.Jobs', 'EDS.Admin'], ['DC']);
    const run = await t.request('POST', '/admin/functions/data-rotate-field-keys', { token: user });
    expect(run.status).toBe(403);
    expect(await rotationEvents()).toHaveLength(2);
  });

  it('answers 500 when the ring turns mid-run and keys stay behind; a rerun ends it', async () => {
    const { keyRing } = t.host.services;
    const currentVersion = keyRing.currentVersion.bind(keyRing);
    let calls = 0;
    // The run reads the version once to decide on a rotation, once to re-wrap: another holder
    // adds a version between the re-wrap's read and its count of what is left.
    const spy = vi.spyOn(keyRing, 'currentVersion').mockImplementation(async () => {
      const version = await currentVersion();
      calls += 1;
      if (calls === 2) await keyRing.rotate();
      return version;
    });
    const jobs = await t.token(['EDS.Jobs'], [], { app: true, objectId: JOBS_APP });
    const run = await t
      .request('POST', '/admin/functions/data-rotate-field-keys', { token: jobs })
      .finally(() => spy.mockRestore());

    expect(run.status).toBe(500);
    expect(await versionsInUse()).toEqual(['kek-0002']);
    expect((await rotationEvents()).at(-1)).toMatchObject({
      correlationId: run.headers.get('x-correlation-id'),
      outcome: 'failure',
      detail: { keyVersion: 'kek-0002', kekRotated: false, rewrapped: 0, remaining: 172 },
    });
    const again = await t.request('POST', '/admin/functions/data-rotate-field-keys', {
      token: jobs,
    });
    expect(again.status).toBe(202);
    expect(await versionsInUse()).toEqual(['kek-0003']);
    expect((await rotationEvents()).at(-1)).toMatchObject({
      outcome: 'success',
      detail: { keyVersion: 'kek-0003', rewrapped: 172, remaining: 0 },
    });
  });

  it('answers a failed run 500 and audits it as the caller’s failed rotation', async () => {
    await t.ownerRows(sql`UPDATE recipients
      SET ein_ciphertext = regexp_replace(ein_ciphertext, '"kv":"[^"]*"', '"kv":"kek-0099"')
      WHERE id = (SELECT min(id) FROM recipients)`);
    const jobs = await t.token(['EDS.Jobs'], [], { app: true, objectId: JOBS_APP });
    const run = await t.request('POST', '/admin/functions/data-rotate-field-keys', { token: jobs });
    expect(run.status).toBe(500);
    const correlationId = run.headers.get('x-correlation-id') ?? 'none';
    expect((await rotationEvents()).at(-1)).toMatchObject({
      actor: JOBS_APP,
      correlationId,
      outcome: 'failure',
      detail: { errorCode: 'CRYPTO_KEY_UNAVAILABLE' },
    });
    const [request] = await t.auditEvents({ type: 'http.request', correlationId });
    expect(request).toMatchObject({
      status: 500,
      outcome: 'failure',
      resource: 'function:data-rotate-field-keys',
    });
  });
});
