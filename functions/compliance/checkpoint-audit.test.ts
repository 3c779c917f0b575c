import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestHost, type TestHost } from '../../test/support/test-host.js';

describe('compliance-checkpoint-audit timer', () => {
  let t: TestHost;
  const head = async () => {
    const [row] = await t.auditRows(
      sql<{ seq: number }>`SELECT max(seq)::int AS seq FROM audit_events`,
    );
    return Number(row?.seq);
  };
  const checkpoints = async () =>
    (
      await t.auditRows(
        sql<{ seq: number }>`SELECT seq::int AS seq FROM audit_checkpoints ORDER BY seq`,
      )
    ).map((row) => Number(row.seq));

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
  });
  afterAll(() => t.close());

  it('signs the head once events arrived since the last checkpoint; refuses users', async () => {
    const reader = await t.token(['EDS.Reader'], ['DC']);
    for (let i = 0; i < 3; i += 1) await t.request('GET', '/api/health', { token: reader });
    const before = await head();
    expect(await checkpoints()).not.toContain(before);

    const admin = await t.token(['EDS.Admin'], []);
    const refused = await t.request('POST', '/admin/functions/compliance-checkpoint-audit', {
      token: admin,
    });
    expect(refused.status).toBe(403);
    expect(await checkpoints()).not.toContain(await head());

    const jobs = await t.token(['EDS.Jobs'], [], { app: true });
    const run = await t.request('POST', '/admin/functions/compliance-checkpoint-audit', {
      token: jobs,
    });
    expect(run.status).toBe(202);
    // The head as the timer found it: the refusal's events and everything before them.
    const signed = (await checkpoints()).at(-1) ?? 0;
    expect(signed).toBeGreaterThan(before);
    expect(signed).toBeLessThan(await head());
    await expect(t.host.services.audit.verify()).resolves.toMatchObject({ status: 'intact' });
  });

  it('signs nothing new over a head that already has its checkpoint', async () => {
    await t.host.services.audit.checkpoint();
    const signed = await checkpoints();
    expect(signed.at(-1)).toBe(await head());
    await t.host.services.audit.checkpoint();
    expect(await checkpoints()).toEqual(signed);
  });
});
