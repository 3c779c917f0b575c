import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROLES, type Role } from '../../../shared/auth/roles.js';
import { startTestHost, type TestHost } from '../../../test/support/test-host.js';

const SQL_TEXT = "Robert'); DROP TABLE vendors;--";

interface StoredEvent {
  readonly type: string;
  readonly correlationId: string;
  readonly [field: string]: unknown;
}

describe('obligation and vendor writes on the local host', () => {
  let t: TestHost;
  let manager: string;
  let dcContractId: number;
  let vaContractId: number;
  let dunsSerial = 100_000_000;

  const nextDuns = (): string => String((dunsSerial += 1));

  beforeAll(async () => {
    t = await startTestHost({
      env: { EDS_RATE_LIMIT_PER_PRINCIPAL: '100000', EDS_RATE_LIMIT_PER_ADDRESS: '100000' },
    });
    manager = await t.token(['EDS.Manager'], ['DC']);
    const contracts = await owner<{ id: number; division: string }>(
      sql`SELECT DISTINCT ON (division) id, division FROM contracts
        WHERE division IN ('DC', 'VA') ORDER BY division, id`,
    );
    dcContractId = contracts.find((row) => row.division === 'DC')?.id ?? 0;
    vaContractId = contracts.find((row) => row.division === 'VA')?.id ?? 0;
    expect(dcContractId).toBeGreaterThan(0);
    expect(vaContractId).toBeGreaterThan(0);
  });
  afterAll(() => t.close());

  async function owner<R>(query: ReturnType<typeof sql<R>>): Promise<R[]> {
    const result = await t.host.services.db.unsafeWithoutScope((db) => query.execute(db));
    return result.rows;
  }

  async function changeEvents(correlationId: string): Promise<StoredEvent[]> {
    return (
      await owner<{ event: StoredEvent }>(sql`SELECT event FROM audit_events
        WHERE type = 'data.change' AND event ->> 'correlationId' = ${correlationId}`)
    ).map((row) => row.event);
  }

  async function relayRows(): Promise<number> {
    const [row] = await owner<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM audit_relay`,
    );
    return row?.count ?? -1;
  }

  function obligationBody(overrides: Record<string, unknown> = {}) {
    return {
      contractId: dcContractId,
      actionDate: '2026-11-02',
      actionType: 'C',
      modificationNumber: 'P00007',
      federalActionObligation: '125000.50',
      description: 'Resurfacing, phase 2',
      ...overrides,
    };
  }

  function vendorBody(overrides: Record<string, unknown> = {}) {
    return {
      duns: nextDuns(),
      name: 'Potomac Paving LLC',
      state: 'DC',
      countyName: 'District of Columbia',
      zip5: '20001',
      congressionalDistrict: '98',
      businessCategories: ['small_business'],
      ...overrides,
    };
  }

  async function post(path: string, json: unknown, headers: Record<string, string> = {}) {
    return t.request('POST', path, { token: manager, json, headers });
  }

  async function patch(path: string, json: unknown, headers: Record<string, string> = {}) {
    return t.request('PATCH', path, { token: manager, json, headers });
  }

  describe('role matrix', () => {
    const others = ROLES.filter((role) => role !== 'EDS.Manager');

    async function targets() {
      const obligation = await post('/api/v1/obligations', obligationBody());
      const vendor = await post('/api/v1/vendors', vendorBody());
      expect([obligation.status, vendor.status]).toEqual([201, 201]);
      return [
        ['POST', '/api/v1/obligations', () => obligationBody(), undefined],
        [
          'PATCH',
          `/api/v1/obligations/${obligation.body.id}`,
          () => ({ description: 'x' }),
          obligation.headers.get('etag'),
        ],
        ['POST', '/api/v1/vendors', () => vendorBody(), undefined],
        [
          'PATCH',
          `/api/v1/vendors/${vendor.body.id}`,
          () => ({ name: 'x' }),
          vendor.headers.get('etag'),
        ],
      ] as const;
    }

    it('refuses every write to every role but EDS.Manager with 403, writing nothing', async () => {
      const before = await owner<{ v: number; o: number }>(sql`SELECT
        (SELECT count(*)::int FROM vendors) AS v,
        (SELECT count(*)::int FROM contract_transactions) AS o`);
      const outcomes: string[] = [];
      for (const [method, path, body, etag] of await targets()) {
        for (const role of others) {
          const token = await t.token([role], ['DC'], { app: role === 'EDS.Jobs' });
          const headers: Record<string, string> =
            etag === undefined ? {} : { 'if-match': etag ?? '' };
          const response = await t.request(method, path, { token, json: body(), headers });
          outcomes.push(`${role} ${method} ${path} ${response.status} ${response.body?.code}`);
          expect(response.status).toBe(403);
          expect(response.body.code).toBe('AUTH_FORBIDDEN');
        }
      }
      const after = await owner<{ v: number; o: number }>(sql`SELECT
        (SELECT count(*)::int FROM vendors) AS v,
        (SELECT count(*)::int FROM contract_transactions) AS o`);
      expect(after).toEqual(before.map((row) => ({ v: row.v + 1, o: row.o + 1 })));
      expect(outcomes).toHaveLength(others.length * 4);
    });

    it('lets an EDS.Manager make every write', async () => {
      for (const [method, path, body, etag] of await targets()) {
        const headers: Record<string, string> =
          etag === undefined ? {} : { 'if-match': etag ?? '' };
        const response = await t.request(method, path, { token: manager, json: body(), headers });
        expect(response.status, `${method} ${path}`).toBe(method === 'POST' ? 201 : 200);
      }
    });

    it('answers 401 with a Bearer challenge to every write without a token', async () => {
      const paths = [
        ['POST', '/api/v1/obligations'],
        ['PATCH', '/api/v1/obligations/1'],
        ['POST', '/api/v1/vendors'],
        ['PATCH', '/api/v1/vendors/1'],
      ] as const;
      for (const [method, path] of paths) {
        const response = await t.request(method, path, { json: {} });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it.each<[string, Role[]]>([
      ['a manager who is also an analyst', ['EDS.Manager', 'EDS.Analyst']],
      ['a manager who is also a PII reader', ['EDS.Manager', 'EDS.PiiReader']],
    ])('lets %s create a vendor', async (_label, roles) => {
      const token = await t.token(roles, ['DC']);
      const response = await t.request('POST', '/api/v1/vendors', { token, json: vendorBody() });
      expect(response.status).toBe(201);
    });
  });

  describe('obligations', () => {
    it('creates an obligation: 201, ETag, Location and the contract’s division', async () => {
      const response = await post('/api/v1/obligations', obligationBody());
      expect(response.status).toBe(201);
      const id = response.body.id as number;
      expect(id).toBeGreaterThanOrEqual(1_000_000_000);
      expect(response.headers.get('etag')).toBe(`"${id}-1"`);
      expect(response.headers.get('location')).toBe(`/api/v1/contract-transactions/${id}`);
      expect(response.body).toMatchObject({
        division: 'DC',
        contractId: dcContractId,
        fiscalYear: 2027,
        federalActionObligation: '125000.50',
      });
      const read = await t.request('GET', response.headers.get('location') ?? '', {
        token: manager,
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
    });

    it('updates an obligation with the right If-Match, bumping the ETag', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = created.body.id as number;
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { federalActionObligation: '-2500', actionDate: '2027-03-31' },
        { 'if-match': created.headers.get('etag') ?? '' },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${id}-2"`);
      expect(response.body).toMatchObject({
        federalActionObligation: '-2500.00',
        fiscalYear: 2027,
      });
      const [row] = await owner<{ row_version: number; federal_action_obligation: string }>(
        sql`SELECT row_version, federal_action_obligation FROM contract_transactions
          WHERE id = ${id}`,
      );
      expect(row).toEqual({ row_version: 2, federal_action_obligation: '-2500.00' });
    });

    it('refuses a stale If-Match with 412 and leaves the row and the relay untouched', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = created.body.id as number;
      const stale = created.headers.get('etag') ?? '';
      const first = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'first' },
        {
          'if-match': stale,
        },
      );
      expect(first.status).toBe(200);
      const second = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'second' },
        {
          'if-match': stale,
        },
      );
      expect(second.status).toBe(412);
      expect(second.body.code).toBe('DATA_PRECONDITION_FAILED');
      expect(second.headers.get('content-type')).toBe('application/problem+json');
      const [row] = await owner<{ description: string; row_version: number }>(
        sql`SELECT description, row_version FROM contract_transactions WHERE id = ${id}`,
      );
      expect(row).toEqual({ description: 'first', row_version: 2 });
      expect(await changeEvents(second.headers.get('x-correlation-id') ?? '')).toEqual([]);
      expect(await relayRows()).toBe(0);
    });

    it('refuses an update without If-Match, or with *, as 428', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const path = `/api/v1/obligations/${created.body.id}`;
      for (const headers of [{}, { 'if-match': '*' }]) {
        const response = await patch(path, { description: 'no precondition' }, headers);
        expect(response.status).toBe(428);
        expect(response.body.code).toBe('DATA_PRECONDITION_REQUIRED');
      }
    });

    it.each([
      ['a weak tag', (id: number) => `W/"${id}-1"`],
      ['the tag of another record', (id: number) => `"${id + 1}-1"`],
    ])('treats %s in If-Match as a mismatch (412)', async (_label, tagOf) => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = created.body.id as number;
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'x' },
        {
          'if-match': tagOf(id),
        },
      );
      expect(response.status).toBe(412);
    });

    it('accepts a list of tags in If-Match when one names the current version', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = created.body.id as number;
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'listed' },
        {
          'if-match': `"${id}-7", ${created.headers.get('etag')}`,
        },
      );
      expect(response.status).toBe(200);
    });

    it('refuses a malformed If-Match as 400 naming the header', async () => {
      const response = await patch(
        '/api/v1/obligations/1',
        { description: 'x' },
        {
          'if-match': 'not-a-tag',
        },
      );
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { location: 'header', path: 'if-match', rule: 'invalid_format' },
      ]);
    });

    it('hides a VA contract from a DC manager: 404 and no row', async () => {
      const [before] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM contract_transactions
          WHERE contract_id = ${vaContractId}`,
      );
      const response = await post(
        '/api/v1/obligations',
        obligationBody({ contractId: vaContractId }),
      );
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('DATA_NOT_FOUND');
      const [after] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM contract_transactions
          WHERE contract_id = ${vaContractId}`,
      );
      expect(after).toEqual(before);
    });

    it('hides a VA obligation from a DC manager on update: 404 and unchanged', async () => {
      const [row] = await owner<{ id: number; row_version: number; description: string }>(
        sql`SELECT id, row_version, description FROM contract_transactions
          WHERE division = 'VA' ORDER BY id LIMIT 1`,
      );
      const id = row?.id ?? 0;
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'taken over' },
        {
          'if-match': `"${id}-1"`,
        },
      );
      expect(response.status).toBe(404);
      const [after] = await owner<{ id: number; row_version: number; description: string }>(
        sql`SELECT id, row_version, description FROM contract_transactions WHERE id = ${id}`,
      );
      expect(after).toEqual(row);
    });

    it('refuses a division in the body: the division is always the contract’s', async () => {
      const response = await post('/api/v1/obligations', obligationBody({ division: 'VA' }));
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({
        location: 'body',
        path: 'division',
        rule: 'unrecognized_key',
      });
    });

    it('stores SQL metacharacters in every obligation text field verbatim', async () => {
      const body = obligationBody({ modificationNumber: "P'; --", description: SQL_TEXT });
      const response = await post('/api/v1/obligations', body);
      expect(response.status).toBe(201);
      const [row] = await owner<{ modification_number: string; description: string }>(
        sql`SELECT modification_number, description FROM contract_transactions
          WHERE id = ${response.body.id}`,
      );
      expect(row).toEqual({ modification_number: "P'; --", description: SQL_TEXT });
    });
  });

  describe('vendors', () => {
    it('creates a vendor in the division of its state and reads it back', async () => {
      const body = vendorBody({ name: SQL_TEXT, countyName: "Prince George's; --" });
      const response = await post('/api/v1/vendors', body);
      expect(response.status).toBe(201);
      const id = response.body.id as number;
      expect(response.headers.get('etag')).toBe(`"${id}-1"`);
      expect(response.headers.get('location')).toBe(`/api/v1/vendors/${id}`);
      expect(response.body).toMatchObject({ division: 'DC', name: SQL_TEXT, duns: body.duns });
      const read = await t.request('GET', `/api/v1/vendors/${id}`, { token: manager });
      expect(read.body.name).toBe(SQL_TEXT);
      expect(read.body.countyName).toBe("Prince George's; --");
      const [count] = await owner<{ count: number }>(sql`SELECT count(*)::int AS count FROM vendors
        WHERE name = ${SQL_TEXT}`);
      expect(count?.count).toBe(1);
    });

    it('refuses a vendor in a division the caller does not hold, writing nothing', async () => {
      const body = vendorBody({ state: 'MD' });
      const response = await post('/api/v1/vendors', body);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('AUTH_FORBIDDEN');
      const rows = await owner(sql`SELECT id FROM vendors WHERE duns = ${body.duns}`);
      expect(rows).toEqual([]);
    });

    it('refuses a second vendor with the same DUNS as 409', async () => {
      const body = vendorBody();
      expect((await post('/api/v1/vendors', body)).status).toBe(201);
      const again = await post('/api/v1/vendors', { ...body, name: 'Another name' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('DATA_CONFLICT');
    });

    it('updates a vendor, then refuses the stale tag as 412 with the row unchanged', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const id = created.body.id as number;
      const etag = created.headers.get('etag') ?? '';
      const updated = await patch(
        `/api/v1/vendors/${id}`,
        { zip5: null, name: 'Renamed' },
        {
          'if-match': etag,
        },
      );
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Renamed', zip5: null });
      expect(updated.headers.get('etag')).toBe(`"${id}-2"`);
      const stale = await patch(
        `/api/v1/vendors/${id}`,
        { name: 'Lost update' },
        {
          'if-match': etag,
        },
      );
      expect(stale.status).toBe(412);
      const [row] = await owner<{ name: string; row_version: number }>(
        sql`SELECT name, row_version FROM vendors WHERE id = ${id}`,
      );
      expect(row).toEqual({ name: 'Renamed', row_version: 2 });
    });

    it('refuses to change a vendor’s DUNS or state', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const headers = { 'if-match': created.headers.get('etag') ?? '' };
      for (const body of [{ duns: nextDuns() }, { state: 'DC' }]) {
        const response = await patch(`/api/v1/vendors/${created.body.id}`, body, headers);
        expect(response.status).toBe(400);
      }
    });
  });

  describe('idempotency keys', () => {
    it('replays the first response to a retried create and writes one row', async () => {
      const key = `retry-${nextDuns()}`;
      const body = obligationBody({ description: `idempotent ${key}` });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      const second = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(second.headers.get('location')).toBe(first.headers.get('location'));
      expect(second.headers.get('idempotency-replayed')).toBe('true');
      expect(first.headers.get('idempotency-replayed')).toBeNull();
      const rows = await owner(sql`SELECT id FROM contract_transactions
        WHERE description = ${body.description}`);
      expect(rows).toHaveLength(1);
      expect(await changeEvents(second.headers.get('x-correlation-id') ?? '')).toEqual([]);
    });

    it('creates one vendor when the same keyed request arrives five times at once', async () => {
      const key = `burst-${nextDuns()}`;
      const body = vendorBody();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => post('/api/v1/vendors', body, { 'idempotency-key': key })),
      );
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
      const rows = await owner(sql`SELECT id FROM vendors WHERE duns = ${body.duns}`);
      expect(rows).toHaveLength(1);
    });

    it('refuses the same key with a different body as 422, writing nothing', async () => {
      const key = `mismatch-${nextDuns()}`;
      const first = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const other = vendorBody();
      const second = await post('/api/v1/vendors', other, { 'idempotency-key': key });
      expect(second.status).toBe(422);
      expect(second.body.code).toBe('DATA_IDEMPOTENCY_MISMATCH');
      expect(await owner(sql`SELECT id FROM vendors WHERE duns = ${other.duns}`)).toEqual([]);
    });

    it('keeps keys per principal: another manager’s same key is a new request', async () => {
      const key = `shared-${nextDuns()}`;
      const colleague = await t.token(['EDS.Manager'], ['DC'], {
        objectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      });
      const mine = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      const theirs = await t.request('POST', '/api/v1/vendors', {
        token: colleague,
        json: vendorBody(),
        headers: { 'idempotency-key': key },
      });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it('replays a retried update instead of failing it as stale', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const headers = {
        'if-match': created.headers.get('etag') ?? '',
        'idempotency-key': `update-${nextDuns()}`,
      };
      const path = `/api/v1/vendors/${created.body.id}`;
      const first = await patch(path, { name: 'Once' }, headers);
      const retry = await patch(path, { name: 'Once' }, headers);
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(retry.headers.get('idempotency-replayed')).toBe('true');
    });

    it('does not store a failed request under its key, so the retry runs again', async () => {
      const key = `failed-${nextDuns()}`;
      const body = obligationBody({ contractId: vaContractId });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect(first.status).toBe(404);
      const fixed = await post('/api/v1/obligations', obligationBody(), { 'idempotency-key': key });
      expect(fixed.status).toBe(201);
      expect(fixed.headers.get('idempotency-replayed')).toBeNull();
    });

    it.each([
      ['too long', 'k'.repeat(129)],
      ['with a space', 'two words'],
      ['with non-ASCII', 'clé'],
    ])('refuses an Idempotency-Key %s as 400', async (_label, key) => {
      const response = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { location: 'header', path: 'idempotency-key', rule: 'invalid_format' },
      ]);
    });
  });

  describe('bad input', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown key', { surprise: 1 }, 'surprise'],
      ['money as a number', { federalActionObligation: 125000.5 }, 'federalActionObligation'],
      [
        'money with three decimals',
        { federalActionObligation: '1.005' },
        'federalActionObligation',
      ],
      ['money in exponent form', { federalActionObligation: '1e6' }, 'federalActionObligation'],
      ['a date that does not exist', { actionDate: '2027-02-29' }, 'actionDate'],
      ['a description over 4000 characters', { description: 'x'.repeat(4001) }, 'description'],
      ['a blank description', { description: '   ' }, 'description'],
      ['a NUL in the description', { description: 'a\u0000b' }, 'description'],
      [
        'a modification number over 32 characters',
        { modificationNumber: 'M'.repeat(33) },
        'modificationNumber',
      ],
      ['a two-letter action type', { actionType: 'AB' }, 'actionType'],
      ['a string contract id', { contractId: String(1) }, 'contractId'],
    ])(
      'refuses an obligation with %s as 400 naming the field, writing nothing',
      async (_l, patchBody, path) => {
        const [before] = await owner<{ count: number }>(
          sql`SELECT count(*)::int AS count FROM contract_transactions`,
        );
        const response = await post('/api/v1/obligations', obligationBody(patchBody));
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(response.body.errors.map((issue: { path: string }) => issue.path)).toContain(path);
        expect(response.text).not.toContain('xxxxxxxx');
        const [after] = await owner<{ count: number }>(
          sql`SELECT count(*)::int AS count FROM contract_transactions`,
        );
        expect(after).toEqual(before);
      },
    );

    it.each<[string, Record<string, unknown>, string]>([
      ['a nine-digit DUNS given as a number', { duns: 123456789 }, 'duns'],
      ['a state that is not a division', { state: 'ZZ' }, 'state'],
      ['a name with a line break', { name: 'two\nlines' }, 'name'],
      ['a name over 300 characters', { name: 'n'.repeat(301) }, 'name'],
      ['a repeated business category', { businessCategories: ['a', 'a'] }, 'businessCategories'],
    ])('refuses a vendor with %s as 400 naming the field', async (_l, patchBody, path) => {
      const response = await post('/api/v1/vendors', vendorBody(patchBody));
      expect(response.status).toBe(400);
      expect(response.body.errors.map((issue: { path: string }) => issue.path)).toContain(path);
    });

    it('refuses an empty update as 400', async () => {
      const response = await patch('/api/v1/vendors/1', {}, { 'if-match': '"1-1"' });
      expect(response.status).toBe(400);
    });

    it('refuses a body over 32 KiB as 413 before reading it', async () => {
      const response = await post('/api/v1/vendors', vendorBody({ name: 'n'.repeat(40_000) }));
      expect(response.status).toBe(413);
    });
  });

  describe('audit', () => {
    it('relays one data.change event per write, with digests and no values', async () => {
      const created = await post(
        '/api/v1/vendors',
        vendorBody({ name: 'Audit Probe Contractors' }),
      );
      const updated = await patch(
        `/api/v1/vendors/${created.body.id}`,
        { zip5: '20002' },
        {
          'if-match': created.headers.get('etag') ?? '',
        },
      );
      const resource = `vendors/${created.body.id}`;
      const [create] = await changeEvents(created.headers.get('x-correlation-id') ?? '');
      const updates = await changeEvents(updated.headers.get('x-correlation-id') ?? '');
      expect(create).toMatchObject({ action: 'create', resource, outcome: 'success' });
      expect(create?.afterDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(create?.beforeDigest).toBeUndefined();
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ action: 'update', resource });
      expect(updates[0]?.beforeDigest).toBe(create?.afterDigest);
      expect(updates[0]?.afterDigest).not.toBe(create?.afterDigest);
      expect(JSON.stringify([create, updates])).not.toMatch(/Audit Probe|2000[12]/);
      expect(await relayRows()).toBe(0);
    });

    it('writes the change event and the request event under one correlation id', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const correlationId = created.headers.get('x-correlation-id') ?? '';
      const events = await owner<{ type: string }>(sql`SELECT type FROM audit_events
        WHERE event ->> 'correlationId' = ${correlationId} ORDER BY seq`);
      expect(events.map((event) => event.type)).toEqual(['data.change', 'http.request']);
    });

    it('leaves a refused write with no change event and no relay row', async () => {
      const response = await post(
        '/api/v1/obligations',
        obligationBody({ contractId: vaContractId }),
      );
      expect(response.status).toBe(404);
      expect(await changeEvents(response.headers.get('x-correlation-id') ?? '')).toEqual([]);
      expect(await relayRows()).toBe(0);
    });

    it('relays an event left behind by a failed relay when the timer runs', async () => {
      const correlationId = '5b7f0c4e-3d2a-4e1f-9a8b-7c6d5e4f3a2b';
      const event = {
        type: 'data.change',
        actor: 'left-behind',
        correlationId,
        outcome: 'success',
        resource: 'vendors/1',
        action: 'update',
        beforeDigest: 'b'.repeat(64),
        afterDigest: 'c'.repeat(64),
      };
      await owner(sql`INSERT INTO audit_relay (id, event)
        VALUES (gen_random_uuid(), ${JSON.stringify(event)}::jsonb)`);
      const jobs = await t.token(['EDS.Jobs'], [], { app: true });
      const run = await t.request('POST', '/admin/functions/data-relay-audit-events', {
        token: jobs,
      });
      expect(run.status).toBe(202);
      expect(await changeEvents(correlationId)).toEqual([event]);
      expect(await relayRows()).toBe(0);
    });

    it('keeps the audit chain intact after the writes', async () => {
      expect(await t.host.services.audit.verify()).toMatchObject({ status: 'intact' });
    });
  });
});
