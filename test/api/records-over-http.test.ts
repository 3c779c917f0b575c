import { request as httpRequest } from 'node:http';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fieldsOf, pageOf, problemOf } from '../support/response-body.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

describe('financial records over HTTP', () => {
  let t: TestHost;
  let dcAnalyst: string;
  let mdAwardId: number;
  let dcRecipientId: number;

  beforeAll(async () => {
    t = await startTestHost();
    dcAnalyst = await t.token(['EDS.Analyst'], ['DC']);
    const [md] = await t.ownerRows(
      sql<{ id: number }>`SELECT id FROM awards WHERE division = 'MD' LIMIT 1`,
    );
    const [dc] = await t.ownerRows(
      sql<{ id: number }>`SELECT id FROM recipients WHERE division = 'DC' LIMIT 1`,
    );
    mdAwardId = Number(md?.id);
    dcRecipientId = Number(dc?.id);
  });
  afterAll(() => t.close());

  it('lists only DC awards to an analyst scoped to DC, across pages', async () => {
    const divisions = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const response = await t.request('GET', `/api/v1/awards?limit=100${query}`, {
        token: dcAnalyst,
      });
      expect(response.status).toBe(200);
      const page = pageOf(response);
      for (const item of page.items) divisions.add(String(item['division']));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect([...divisions]).toEqual(['DC']);
  });

  it('hides an MD award from an analyst scoped to DC: 404 by id, nothing by filter', async () => {
    expect(Number.isInteger(mdAwardId)).toBe(true);
    const byId = await t.request('GET', `/api/v1/awards/${mdAwardId}`, { token: dcAnalyst });
    expect(byId.status).toBe(404);
    expect(problemOf(byId).code).toBe('DATA_NOT_FOUND');
    const byFilter = await t.request('GET', '/api/v1/awards?division=MD', { token: dcAnalyst });
    expect(byFilter.status).toBe(200);
    expect(byFilter.body).toMatchObject({ items: [], total: 0 });
    const mdAnalyst = await t.token(['EDS.Analyst'], ['MD']);
    expect(
      (await t.request('GET', `/api/v1/awards/${mdAwardId}`, { token: mdAnalyst })).status,
    ).toBe(200);
  });

  it('names a record by one spelling of its id: no leading zero, no sign', async () => {
    const own = await t.request('GET', `/api/v1/recipients/${dcRecipientId}`, { token: dcAnalyst });
    expect(own.status).toBe(200);
    for (const path of [
      `/api/v1/recipients/0${dcRecipientId}`,
      `/api/v1/recipients/+${dcRecipientId}`,
      `/api/v1/awards?recipientId=00${dcRecipientId}`,
      '/api/v1/awards?limit=050',
    ]) {
      const response = await t.request('GET', path, { token: dcAnalyst });
      expect(response.status, path).toBe(400);
      expect(problemOf(response).code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses a request carrying a second Authorization after a valid one (401)', async () => {
    const mdAnalyst = await t.token(['EDS.Analyst'], ['MD']);
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const sent = httpRequest(`${t.baseUrl}/api/v1/awards?limit=1`, {
          // Raw header pairs: two Authorization lines, as an attacker could send them.
          headers: [
            'Host',
            '127.0.0.1',
            'Authorization',
            `Bearer ${mdAnalyst}`,
            'Authorization',
            'Bearer garbage',
          ],
        });
        sent.on('response', (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        sent.on('error', reject);
        sent.end();
      },
    );
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    expect(body).not.toContain(mdAnalyst.split('.')[1]);
  });

  it('shows nothing for division claims that are not codes, and keeps the valid ones', async () => {
    const bogus = await t.token(['EDS.Analyst'], ['ZZ', 'DC;MD']);
    const list = await t.request('GET', '/api/v1/awards', { token: bogus });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });
    const byId = await t.request('GET', `/api/v1/awards/${mdAwardId}`, { token: bogus });
    expect(byId.status).toBe(404);
    const mixed = await t.token(['EDS.Analyst'], ['DC;MD', 'MD']);
    const mdAward = await t.request('GET', `/api/v1/awards/${mdAwardId}`, { token: mixed });
    expect(mdAward.status).toBe(200);
  });

  it('masks the EIN for analysts, hides it from readers, unmasks it with a reason', async () => {
    const analyst = await t.request('GET', `/api/v1/recipients/${dcRecipientId}`, {
      token: dcAnalyst,
    });
    expect(fieldsOf(analyst)['ein']).toMatch(/^\*+\d{4}$/);
    const reader = await t.request('GET', `/api/v1/recipients/${dcRecipientId}`, {
      token: await t.token(['EDS.Reader'], ['DC']),
    });
    expect(reader.status).toBe(200);
    expect(reader.body).not.toHaveProperty('ein');
    const pii = await t.token(['EDS.PiiReader'], ['DC']);
    const noReason = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
      token: pii,
      json: { fields: ['ein'] },
    });
    expect(noReason.status).toBe(400);
    const unmasked = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
      token: pii,
      json: { fields: ['ein'], reason: 'Reconciling the Single Audit submission' },
    });
    expect(unmasked.status).toBe(200);
    expect(fieldsOf(unmasked)['ein']).toMatch(/^\d{9}$/);
    const events = await t.auditEvents({ type: 'data.unmask' });
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({
      reason: 'Reconciling the Single Audit submission',
      fields: ['ein'],
    });
    expect(JSON.stringify(events)).not.toContain(fieldsOf(unmasked)['ein']);
    const outOfScope = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
      token: await t.token(['EDS.PiiReader'], ['MD']),
      json: { fields: ['ein'], reason: 'Reconciling the Single Audit submission' },
    });
    expect(outOfScope.status).toBe(404);
  });

  it('stores no plaintext EIN and no token in the audit trail after a session', async () => {
    const rows = await t.auditRows(
      sql<{ event: string }>`SELECT event::text AS event FROM audit_events`,
    );
    const text = rows.map((row) => row.event).join('\n');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(text).not.toContain(dcAnalyst.split('.')[2]);
  });

  it('refuses a reader text search and filters on CONFIDENTIAL fields', async () => {
    const reader = await t.token(['EDS.Reader'], ['DC']);
    for (const path of [
      '/api/v1/recipients?q=V8J8D8S17CY7',
      '/api/v1/expenditures?hasFindings=true',
      '/api/v1/vendors?businessCategory=small_business',
    ]) {
      const response = await t.request('GET', path, { token: reader });
      expect(response.status, path).toBe(403);
      expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
    }
    expect(
      (await t.request('GET', '/api/v1/expenditures?hasFindings=true', { token: dcAnalyst }))
        .status,
    ).toBe(200);
  });

  it('answers 400, not 500, to control characters and impossible cursor dates', async () => {
    const nul = await t.request('GET', '/api/v1/awards?q=a%00b', { token: dcAnalyst });
    expect(nul.status).toBe(400);
    const cursor = Buffer.from(
      JSON.stringify({ v: 1, k: 'lastActionDate', s: '2024-02-31', i: 1 }),
    ).toString('base64url');
    const forged = await t.request(
      'GET',
      `/api/v1/contracts?sort=lastActionDate&cursor=${cursor}`,
      { token: dcAnalyst },
    );
    expect(forged.status).toBe(400);
    const reason = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
      token: await t.token(['EDS.PiiReader'], ['DC']),
      json: { fields: ['ein'], reason: 'reason with a \u0000 NUL inside' },
    });
    expect(reason.status).toBe(400);
  });

  it('refuses query escapes that are not UTF-8, and reads the ones that are', async () => {
    for (const query of ['q=%FF', 'q=caf%C3', 'q=%ED%A0%80', 'limit=5&%FF=1']) {
      const response = await t.request('GET', `/api/v1/awards?${query}`, { token: dcAnalyst });
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { location: 'query', path: query.startsWith('q=') ? 'q' : '', rule: 'not_utf8' },
      ]);
    }
    for (const query of ['q=caf%C3%A9', 'q=100%', 'q=%E2%82%AC%2520']) {
      const response = await t.request('GET', `/api/v1/awards?${query}`, { token: dcAnalyst });
      expect(response.status).toBe(200);
    }
  });

  it('refuses a query parameter where the operation takes none, and unmasks nothing', async () => {
    const refusedAt = async (path: string, token?: string, json?: unknown) => {
      const response = await t.request(json === undefined ? 'GET' : 'POST', path, {
        ...(token === undefined ? {} : { token }),
        ...(json === undefined ? {} : { json }),
      });
      expect(response.status).toBe(400);
      return problemOf(response).errors;
    };
    const recipient = `/api/v1/recipients/${dcRecipientId}`;
    expect(await refusedAt(`${recipient}?limit=5`, dcAnalyst)).toEqual([
      { location: 'query', path: 'limit', rule: 'unrecognized_key' },
    ]);
    expect(await refusedAt('/api/health?verbose=1')).toEqual([
      { location: 'query', path: 'verbose', rule: 'unrecognized_key' },
    ]);
    expect(await refusedAt('/api/v1/openapi.json?x=1')).toHaveLength(1);
    const unmasksBefore = (await t.auditEvents({ type: 'data.unmask' })).length;
    const pii = await t.token(['EDS.PiiReader'], ['DC']);
    const unmask = { fields: ['ein'], reason: 'Reconciling the Single Audit submission' };
    expect(await refusedAt(`${recipient}/unmask?expand=all`, pii, unmask)).toEqual([
      { location: 'query', path: 'expand', rule: 'unrecognized_key' },
    ]);
    expect(await t.auditEvents({ type: 'data.unmask' })).toHaveLength(unmasksBefore);
    for (const path of [recipient, `${recipient}?`]) {
      expect((await t.request('GET', path, { token: dcAnalyst })).status).toBe(200);
    }
  });

  it('takes a cursor back only in the list that made it', async () => {
    const first = await t.request('GET', '/api/v1/awards?limit=5&sort=id', { token: dcAnalyst });
    const cursor = encodeURIComponent(String(pageOf(first).nextCursor));
    const answer = async (path: string) => {
      const response = await t.request('GET', `${path}&cursor=${cursor}`, { token: dcAnalyst });
      return response.status === 400 ? problemOf(response).errors : response.status;
    };
    const refused = [{ location: 'query', path: 'cursor', rule: 'invalid_cursor' }];
    expect(await answer('/api/v1/expenditures?limit=5&sort=id')).toEqual(refused);
    expect(await answer('/api/v1/awards?limit=5&sort=id&aln=20.205')).toEqual(refused);
    expect(await answer('/api/v1/awards?limit=5&sort=-id')).toEqual(refused);
    // The page size may change between pages, and `sort=id` is the default sort written out.
    expect(await answer('/api/v1/awards?limit=7&sort=id')).toBe(200);
    expect(await answer('/api/v1/awards?limit=7')).toBe(200);
  });

  it('lists at most 20 issues for many bad escapes or repeated parameters', async () => {
    const many = (part: (n: number) => string) =>
      Array.from({ length: 200 }, (_, n) => part(n)).join('&');
    for (const query of [many((n) => `k${n}=%FF`), many(() => 'q=a')]) {
      const response = await t.request('GET', `/api/v1/awards?${query}`, { token: dcAnalyst });
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toHaveLength(20);
    }
  });

  it.each([
    ['an EIN', 'Checking EIN 53-0196932 for the audit', 'tax_id_like'],
    ['an SSN', 'Caller gave SSN 123-45-6789 to confirm', 'tax_id_like'],
    ['an EIN beside a year', 'EIN 53-0196932, 2024 Single Audit', 'tax_id_like'],
    ['a token only as written', 'Review of record \\x6eyJabcdefgh.. for audit', 'token_like'],
    ['a JWT', 'review per ticket eyJhbGciOiJIUzI1NiJ9.e30.x for audit', 'token_like'],
    ['a bearer value', 'Bearer abcdefghijklmnopqrstuvwxyz0123456789', 'token_like'],
    ['an EIN split by a named HTML reference', 'ein 521234&shy;567 reconciling', 'tax_id_like'],
    [
      'an EIN in full-width digits',
      'Checking \uff15\uff13\u2013\uff10\uff11\uff19\uff16\uff19\uff13\uff12 again',
      'tax_id_like',
    ],
    [
      'a JWT with full-width dots',
      'see eyJhbGciOiJIUzI1NiJ9\uff0ee30\uff0ex for audit',
      'token_like',
    ],
  ])(
    'refuses an unmask reason holding %s with 400 naming the rule, storing nothing',
    async (_label, reason, rule) => {
      const unmaskEvents = async () =>
        t.auditRows(sql<{ event: string }>`SELECT event::text AS event FROM audit_events
          WHERE type = 'data.unmask' OR event::text LIKE ${`%${reason.slice(-12)}%`}`);
      const before = (await unmaskEvents()).length;
      const response = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
        token: await t.token(['EDS.PiiReader'], ['DC']),
        json: { fields: ['ein'], reason },
      });
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([{ location: 'body', path: 'reason', rule }]);
      expect(response.text).not.toContain(reason.slice(-12));
      expect((await unmaskEvents()).length).toBe(before);
    },
  );

  it('refuses an unmask to an application token, whatever roles Entra gave it', async () => {
    const response = await t.request('POST', `/api/v1/recipients/${dcRecipientId}/unmask`, {
      token: await t.token(['EDS.PiiReader', 'EDS.Reader'], ['DC'], { app: true }),
      json: { fields: ['ein'], reason: 'Reconciling the FY2024 Single Audit submission' },
    });
    expect(response.status).toBe(403);
    expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
    // Named as a granted unmask names it, so refusals and accesses of a record line up.
    const correlationId = response.headers.get('x-correlation-id') ?? 'none';
    const [event] = await t.auditEvents({ type: 'http.request', correlationId });
    expect(event?.['resource']).toBe(`recipients/${dcRecipientId}`);
  });

  it('answers a CORS preflight for every method that shares a route', async () => {
    const preflight = await t.request('OPTIONS', '/api/v1/vendors', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/GET.*POST|POST.*GET/);
  });

  it('refuses a declared oversized body before reading it or authenticating', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.baseUrl}/api/v1/vendors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '999999999' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
  });
});
