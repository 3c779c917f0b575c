import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { ROLES, type Role } from '../../../shared/auth/roles.js';
import { codeOf, fieldsOf, idOf, problemOf } from '../../../test/support/response-body.js';
import { useWriteHost } from './test-support/write-host.js';

describe('writes on the local host: access, bad input and audit', () => {
  const w = useWriteHost();
  const { owner, changeEvents, relayRows, obligationBody, vendorBody, post, patch } = w;

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
          `/api/v1/obligations/${idOf(obligation)}`,
          () => ({ description: 'x' }),
          obligation.headers.get('etag'),
        ],
        ['POST', '/api/v1/vendors', () => vendorBody(), undefined],
        [
          'PATCH',
          `/api/v1/vendors/${idOf(vendor)}`,
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
          const token = await w.t.token([role], ['DC'], { app: role === 'EDS.Jobs' });
          const headers: Record<string, string> =
            etag === undefined ? {} : { 'if-match': etag ?? '' };
          const response = await w.t.request(method, path, { token, json: body(), headers });
          outcomes.push(`${role} ${method} ${path} ${response.status} ${codeOf(response)}`);
          expect(response.status).toBe(403);
          expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
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
        const init = { token: w.manager, json: body(), headers };
        const response = await w.t.request(method, path, init);
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
        const response = await w.t.request(method, path, { json: {} });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it.each<[string, Role[]]>([
      ['a manager who is also an analyst', ['EDS.Manager', 'EDS.Analyst']],
      ['a manager who is also a PII reader', ['EDS.Manager', 'EDS.PiiReader']],
    ])('lets %s create a vendor', async (_label, roles) => {
      const token = await w.t.token(roles, ['DC']);
      const response = await w.t.request('POST', '/api/v1/vendors', { token, json: vendorBody() });
      expect(response.status).toBe(201);
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
        expect(problemOf(response).code).toBe('VALIDATION_FAILED');
        expect(problemOf(response).errors?.map((issue) => issue.path)).toContain(path);
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
      expect(problemOf(response).errors?.map((issue) => issue.path)).toContain(path);
    });

    it.each([
      ['a right-to-left override', 'abc\u202edef', 'invisible_character'],
      ['a zero-width space', 'Potomac\u200bPaving', 'invisible_character'],
      ['a bidi isolate', '\u2067Paving\u2069', 'invisible_character'],
      ['a byte order mark', '\ufeffPaving', 'invisible_character'],
      ['a soft hyphen', 'ACME\u00adCORP', 'invisible_character'],
      ['a tag character', 'ACME\u{e0041}CORP', 'invisible_character'],
      ['a Hangul filler', 'ACME\u3164CORP', 'invisible_character'],
      ['fifty stacked combining marks', `A${'\u0336'.repeat(50)}`, 'stacked_marks'],
      ['a line separator', 'two\u2028lines', 'control_character'],
      ['only a zero-width joiner', '\u200d', 'blank'],
      ['only variation selectors and spaces', ' \ufe0f \ufe0f ', 'blank'],
      ['only braille blanks', '\u2800\u2800', 'blank'],
      ['only combining marks', '\u0301\u0301 \u0301\u0301', 'blank'],
    ])('refuses a vendor name with %s as 400 naming the rule, writing nothing', async (
      _label,
      name,
      rule,
    ) => {
      const [before] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM vendors`,
      );
      const response = await post('/api/v1/vendors', vendorBody({ name }));
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([{ location: 'body', path: 'name', rule }]);
      const [after] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM vendors`,
      );
      expect(after).toEqual(before);
    });

    it('keeps letters from any script, accents, joiners and emoji in a vendor name', async () => {
      // A Persian word with a zero-width non-joiner, and an emoji joined by a zero-width joiner.
      const persian = '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645';
      const name = `Café Ñandú 東京 ${persian} Paving 👩\u200D💻 ❤\uFE0F`;
      const response = await post('/api/v1/vendors', vendorBody({ name }));
      expect(response.status).toBe(201);
      expect(fieldsOf(response)['name']).toBe(name);
    });

    it.each([
      ['latin1', 'application/json; charset=latin1', 415],
      ['utf-16', 'application/json;charset="utf-16"', 415],
      ['UTF-8, quoted', 'application/json; charset="UTF-8"', 201],
      ['the label utf8', 'application/json;charset=utf8', 201],
      ['a quoted semicolon in another parameter', 'application/json; x="a;charset=latin1"', 201],
      ['a charset with more after it', 'application/json; charset=utf-8=x', 415],
      ['no charset', 'application/json', 201],
      ['charset twice, UTF-8 first', 'application/json;charset=utf-8;charset=latin1', 415],
      ['charset twice, in two cases', 'application/json; Charset=utf-8; charset=utf-8', 415],
      ['charset twice after a lone quote', 'application/json; x=a"b; charset=utf-8;charset=x', 415],
      ['charset twice after a quoted name', 'application/json; "x=1; charset=utf-8;charset=x', 415],
      ['text after a quoted value', 'application/json; x="a"b"; charset=utf-8', 415],
      ['empty parameters', 'application/json;; charset=utf-8;', 201],
      ['an escaped quote in a quoted value', 'application/json; x="a\\"b"; charset=utf-8', 201],
    ])('answers a body declared as %s with the status given', async (_l, contentType, status) => {
      const response = await post('/api/v1/vendors', vendorBody(), { 'content-type': contentType });
      expect(response.status).toBe(status);
    });

    it.each([
      ['gzip', 415],
      ['br', 415],
      ['identity, gzip', 415],
      ['identity', 201],
    ])('answers a JSON body with Content-Encoding %s with %i', async (coding, status) => {
      const [before] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM vendors`,
      );
      const response = await post('/api/v1/vendors', vendorBody(), { 'content-encoding': coding });
      expect(response.status).toBe(status);
      if (status !== 415) return;
      expect(problemOf(response).code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
      const [after] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM vendors`,
      );
      expect(after).toEqual(before);
    });

    it.each([
      ['an empty update', {}, [{ location: 'body', path: '', rule: 'no_fields' }]],
      [
        'an update whose only key is unknown',
        { duns: '111111111' },
        [{ location: 'body', path: 'duns', rule: 'unrecognized_key' }],
      ],
    ])('refuses %s as 400, naming only what is wrong', async (_case, body, errors) => {
      const response = await patch('/api/v1/vendors/1', body, { 'if-match': '"1-1"' });
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual(errors);
    });

    it('refuses a body over 32 KiB as 413 before reading it, and audits the refusal', async () => {
      const response = await post('/api/v1/vendors', vendorBody({ name: 'n'.repeat(40_000) }));
      expect(response.status).toBe(413);
      const correlationId = response.headers.get('x-correlation-id') ?? 'none';
      expect(await w.t.auditEvents({ correlationId })).toEqual([
        expect.objectContaining({
        type: 'http.request',
        actor: 'anonymous',
        outcome: 'failure',
        function: 'data-create-vendor',
        method: 'POST',
        route: 'v1/vendors',
        permission: 'records:write',
        status: 413,
        errorCode: 'HTTP_BODY_TOO_LARGE',
        clientAddress: '127.0.0.1',
        }),
      ]);
    });
  });

  describe('audit', () => {
    it('relays one data.change event per write, with digests and no values', async () => {
      const created = await post(
        '/api/v1/vendors',
        vendorBody({ name: 'Audit Probe Contractors' }),
      );
      const updated = await patch(
        `/api/v1/vendors/${idOf(created)}`,
        { zip5: '20002' },
        {
          'if-match': created.headers.get('etag') ?? '',
        },
      );
      const resource = `vendors/${idOf(created)}`;
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

    it('writes the change events and the request event under one correlation id', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const correlationId = created.headers.get('x-correlation-id') ?? '';
      const events = await w.t.auditRows<{ type: string; resource: string }>(sql`SELECT type,
        event ->> 'resource' AS resource FROM audit_events
        WHERE event ->> 'correlationId' = ${correlationId} ORDER BY seq`);
      const obligation = `contract-transactions/${idOf(created)}`;
      expect(events).toEqual([
        { type: 'data.change', resource: obligation },
        { type: 'data.change', resource: `contracts/${w.dcContractId}` },
        { type: 'http.request', resource: obligation },
      ]);
    });

    it('leaves a refused write with no change event and no relay row', async () => {
      const response = await post(
        '/api/v1/obligations',
        obligationBody({ contractId: w.vaContractId }),
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
      const jobs = await w.t.token(['EDS.Jobs'], [], { app: true });
      const run = await w.t.request('POST', '/admin/functions/data-relay-audit-events', {
        token: jobs,
      });
      expect(run.status).toBe(202);
      expect(await changeEvents(correlationId)).toEqual([event]);
      expect(await relayRows()).toBe(0);
    });

    it('keeps the audit chain intact after the writes', async () => {
      expect(await w.t.host.services.audit.verify()).toMatchObject({ status: 'intact' });
    });
  });
});
