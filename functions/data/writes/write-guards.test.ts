import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testPrincipal } from '../../../shared/db/test-support/test-database.js';
import { startTestHost, type TestHost } from '../../../test/support/test-host.js';
import { digestRecord } from './record-digest.js';
import { readIfMatch } from './row-version-etag.js';
import { runIdempotentWrite } from './run-idempotent-write.js';
import type { WriteDeps } from './write-deps.js';

const DC_MANAGER = testPrincipal(['EDS.Manager'], ['DC']);

describe('record digests', () => {
  const fields = { id: 'PUBLIC', name: 'PUBLIC', ein: 'RESTRICTED' } as const;

  it('leaves RESTRICTED and unclassified fields out of the digest', () => {
    const base = digestRecord({ id: 1, name: 'A', ein: '12-3456789', extra: 'x' }, fields, 1);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(digestRecord({ id: 1, name: 'A', ein: '98-7654321' }, fields, 1)).toBe(base);
    expect(digestRecord({ id: 1, name: 'A' }, fields, 1)).toBe(base);
  });

  it('changes with any readable field and with the row version', () => {
    const base = digestRecord({ id: 1, name: 'A' }, fields, 1);
    expect(digestRecord({ id: 1, name: 'B' }, fields, 1)).not.toBe(base);
    expect(digestRecord({ id: 1, name: 'A' }, fields, 2)).not.toBe(base);
  });
});

describe('If-Match parsing', () => {
  const headers = (value?: string) =>
    new Map(value === undefined ? [] : [['if-match', value] as const]);

  it.each([
    ['one strong tag', '"7-3"', [3]],
    ['a list', '"7-3", "7-4"', [3, 4]],
    ['a weak tag', 'W/"7-3"', []],
    ['another record’s tag', '"8-3"', []],
    ['an opaque tag', '"abc"', []],
    ['a tag spelled with leading zeros', '"07-3", "7-03", "7-0003"', []],
  ])('reads %s', (_label, value, versions) => {
    expect(readIfMatch(headers(value), 7)).toEqual(versions);
  });

  it.each([undefined, '', '*'])('requires a version to match (%s) with 428', (value) => {
    expect(() => readIfMatch(headers(value), 7)).toThrow(
      expect.objectContaining({ code: 'DATA_PRECONDITION_REQUIRED', status: 428 }),
    );
  });

  it.each(['7-3', '"7-3', '"7-3"x', Array(21).fill('"7-3"').join(',')])(
    'refuses the malformed header %s with 400',
    (value) => {
      expect(() => readIfMatch(headers(value), 7)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );
});

describe('database guards behind the write operations', () => {
  let t: TestHost;
  let deps: WriteDeps;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    deps = t.host.services;
  });
  afterAll(() => t.close());

  const vendorRow = (duns: string, division: 'DC' | 'MD') => ({
    division,
    duns,
    name: 'Guard Test Co',
    state: division,
    business_categories: [],
    usaspending_recipient_hash: null,
  });

  it('refuses the application role a vendor outside its divisions in the database', async () => {
    const attempt = deps.db.withScope(DC_MANAGER, (trx) =>
      trx.insertInto('vendors').values(vendorRow('900000001', 'MD')).execute(),
    );
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses the application role a change of division, DUNS or id', async () => {
    const inserted = await deps.db.withScope(DC_MANAGER, (trx) =>
      trx.insertInto('vendors').values(vendorRow('900000002', 'DC')).returning('id').execute(),
    );
    const id = inserted[0]?.id ?? 0;
    for (const column of ['division', 'duns', 'id']) {
      const value = column === 'id' ? sql`id + 1` : sql`'DC'`;
      const attempt = deps.db.withScope(DC_MANAGER, (trx) =>
        sql`UPDATE vendors SET ${sql.ref(column)} = ${value} WHERE id = ${id}`.execute(trx),
      );
      await expect(attempt, column).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('rolls back the change and its idempotency key when its audit event is refused', async () => {
    const request = {
      method: 'POST',
      route: 'v1/vendors',
      params: {},
      body: { probe: true },
      headers: new Map([['idempotency-key', 'guard-audit-refused']]),
      correlationId: 'f3c1e2d4-0000-4000-8000-000000000001',
    } as const;
    const attempt = runIdempotentWrite(deps, DC_MANAGER, request, async (trx) => {
      await trx.insertInto('vendors').values(vendorRow('900000003', 'DC')).execute();
      return {
        result: { status: 201, body: {}, headers: {}, resource: 'vendors', id: 0 },
        audit: { action: 'create', afterDigest: 'not-a-digest' },
      };
    });
    await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' });
    const left = await deps.db.unsafeWithoutScope(async (db) => ({
      vendors: (await sql`SELECT id FROM vendors WHERE duns = '900000003'`.execute(db)).rows,
      keys: (await sql`SELECT key FROM idempotency_keys`.execute(db)).rows,
      relay: (await sql`SELECT id FROM audit_relay`.execute(db)).rows,
    }));
    expect(left).toEqual({ vendors: [], keys: [], relay: [] });
  });

  it('refuses a write on a SQL Server store before opening a transaction', async () => {
    let opened = false;
    const mssql = {
      ...deps,
      db: {
        ...deps.db,
        dialect: { ...deps.db.dialect, name: 'mssql' },
        withScope: () => {
          opened = true;
          return Promise.reject(new Error('not reached'));
        },
      },
    } as unknown as WriteDeps;
    const request = {
      method: 'POST',
      route: 'v1/vendors',
      params: {},
      body: {},
      headers: new Map<string, string>(),
      correlationId: 'f3c1e2d4-0000-4000-8000-000000000002',
    } as const;
    const attempt = runIdempotentWrite(mssql, DC_MANAGER, request, () => {
      throw new Error('not reached');
    });
    await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(opened).toBe(false);
  });

  it('shows a principal only its own idempotency keys', async () => {
    const other = testPrincipal(['EDS.Manager'], ['DC', 'MD']);
    await deps.db.unsafeWithoutScope((db) =>
      sql`INSERT INTO idempotency_keys (principal_id, key, fingerprint)
        VALUES (${other.id}, 'theirs', ${'0'.repeat(64)})`.execute(db),
    );
    const seen = await deps.db.withScope(DC_MANAGER, async (trx) => {
      await sql`SELECT set_config('eds.principal_id', ${DC_MANAGER.id}, true)`.execute(trx);
      return (await sql`SELECT key FROM idempotency_keys`.execute(trx)).rows;
    });
    expect(seen).toEqual([]);
  });
});
