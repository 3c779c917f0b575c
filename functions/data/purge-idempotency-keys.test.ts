import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { purgeExpiredIdempotencyKeys } from '../../shared/db/purge-idempotency-keys.js';

/** The object id of the app that asks for the runs. */
const JOBS_APP = '2b7e1c4d-8f3a-4a6b-9c0d-5e4f3a2b1c0d';
const FINGERPRINT = 'a'.repeat(64);

describe('data-purge-idempotency-keys', () => {
  let t: TestHost;
  const keys = async () =>
    (
      await t.ownerRows(
        sql<{ key: string }>`SELECT key FROM idempotency_keys WHERE principal_id = 'purge-test'
          ORDER BY key`,
      )
    ).map((row) => row.key);
  const purgeEvents = async () =>
    (await t.auditEvents()).filter((event) => event['name'] === 'data.idempotency_keys_purged');

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    await t.ownerRows(sql`INSERT INTO idempotency_keys (principal_id, key, fingerprint, created_at)
      VALUES ('purge-test', 'expired-1', ${FINGERPRINT}, now() - interval '26 hours'),
        ('purge-test', 'expired-2', ${FINGERPRINT}, now() - interval '30 days'),
        ('purge-test', 'fresh', ${FINGERPRINT}, now() - interval '23 hours'),
        ('purge-test', 'just-expired', ${FINGERPRINT}, now() - interval '24 hours 30 minutes')`);
  });
  afterAll(() => t.close());

  it('refuses the on-demand run to a user token, deleting nothing', async () => {
    const user = await t.token(['EDS.Jobs', 'EDS.Admin'], ['DC']);
    const run = await t.request('POST', '/admin/functions/data-purge-idempotency-keys', {
      token: user,
    });
    expect(run.status).toBe(403);
    expect(await keys()).toEqual(['expired-1', 'expired-2', 'fresh', 'just-expired']);
    expect(await purgeEvents()).toEqual([]);
  });

  // A write still running may have read the 24 hours from its start: the purge leaves an hour.
  it('deletes the records an hour past 24 hours, keeps the rest and audits the count', async () => {
    const jobs = await t.token(['EDS.Jobs'], [], { app: true, objectId: JOBS_APP });
    const run = await t.request('POST', '/admin/functions/data-purge-idempotency-keys', {
      token: jobs,
    });
    expect(run.status).toBe(202);
    expect(await keys()).toEqual(['fresh', 'just-expired']);
    expect(await purgeEvents()).toEqual([
      expect.objectContaining({
        type: 'security.event',
        actor: JOBS_APP,
        correlationId: run.headers.get('x-correlation-id'),
        outcome: 'success',
        detail: { deleted: 2 },
      }),
    ]);
  });

  it('deletes in batches until none is left', async () => {
    await t.ownerRows(sql`INSERT INTO idempotency_keys (principal_id, key, fingerprint, created_at)
      SELECT 'purge-test', 'old-' || n, ${FINGERPRINT}, now() - interval '2 days'
      FROM generate_series(1, 25) AS n`);
    expect(await purgeExpiredIdempotencyKeys(t.host.services.db, 10)).toBe(25);
    expect(await keys()).toEqual(['fresh', 'just-expired']);
  });
});
