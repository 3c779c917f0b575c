import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fieldsOf } from '../../test/support/response-body.js';
import { startTestHost, type TestHost } from '../../test/support/test-host.js';

describe('GET /api/v1/audit/verify', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
  });
  afterAll(() => t.close());

  it.each([
    ['EDS.ComplianceOfficer', 200],
    ['EDS.SecurityOfficer', 200],
    ['EDS.Analyst', 403],
    ['EDS.Manager', 403],
    ['EDS.PiiReader', 403],
    ['EDS.Admin', 403],
    ['EDS.Reader', 403],
  ])('answers %s with %i', async (role, status) => {
    const response = await t.request('GET', '/api/v1/audit/verify', {
      token: await t.token([role], []),
    });
    expect(response.status).toBe(status);
  });

  it('reports intact with the count, then the first broken link after an edit', async () => {
    const token = await t.token(['EDS.ComplianceOfficer'], []);
    const intact = await t.request('GET', '/api/v1/audit/verify', { token });
    expect(intact.body).toMatchObject({ status: 'intact' });
    expect(fieldsOf(intact)['count']).toBeGreaterThan(5);
    // An attacker with owner rights: the append-only trigger has to be switched off first.
    await t.auditRows(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    const edited = sql`jsonb_set(event, '{status}', '299')`;
    await t.auditRows(sql`UPDATE audit_events SET event = ${edited} WHERE seq = 3`);
    await t.auditRows(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);
    const broken = await t.request('GET', '/api/v1/audit/verify', { token });
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ status: 'broken', firstBrokenSequence: 3 });
    const recorded = await t.auditRows(
      sql<{ event: Record<string, unknown> }>`
        SELECT event FROM audit_events
        WHERE event->>'name' = 'audit.verification_failed' ORDER BY seq
      `,
    );
    expect(recorded.map((row) => row.event)).toEqual([
      expect.objectContaining({
        type: 'security.event',
        outcome: 'failure',
        correlationId: broken.headers.get('x-correlation-id'),
        detail: { firstBrokenSequence: 3, reason: 'hash_mismatch' },
      }),
    ]);
  });
});
