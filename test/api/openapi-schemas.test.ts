import { beforeAll, describe, expect, it } from 'vitest';

import { useWriteHost } from '../../functions/data/writes/test-support/write-host.js';
import { responseSchemas, type ResponseSchemas } from '../support/openapi-schemas.js';
import { rawExchange } from '../support/raw-exchange.js';
import { idOf, pageOf } from '../support/response-body.js';
import type { TestRequestOptions, TestResponse } from '../support/test-host.js';

const COLLECTIONS = [
  '/v1/awards',
  '/v1/expenditures',
  '/v1/recipients',
  '/v1/vendors',
  '/v1/contracts',
  '/v1/contract-transactions',
  '/v1/accounts',
  '/v1/account-obligations',
];

describe('response bodies against the schemas the OpenAPI document gives them', () => {
  const w = useWriteHost();
  let schemas: ResponseSchemas;
  let checked = 0;

  beforeAll(async () => {
    schemas = responseSchemas((await w.t.request('GET', '/api/v1/openapi.json')).body);
  });

  /** Sends a request and checks its answer against the schema of `template` and its status. */
  async function expectValid(
    method: string,
    template: string,
    path: string,
    options: TestRequestOptions = {},
  ): Promise<TestResponse> {
    const response = await w.t.request(method, `/api${path}`, options);
    const label = `${method} ${path} → ${response.status}`;
    const key = method.toLowerCase();
    expect(schemas.errors(template, key, response.status, response.body), label).toEqual([]);
    expect(schemas.undocumented(template, key, response.status, response.body), label).toEqual([]);
    checked += 1;
    return response;
  }

  it.each([
    ['EDS.Reader', []],
    ['EDS.Analyst', []],
    ['EDS.Manager', ['EDS.PiiReader']],
  ])('matches every list and read by id for an %s', async (role, more) => {
    const token = await w.t.token([role, ...more], ['DC', 'MD', 'VA']);
    for (const collection of COLLECTIONS) {
      const list = await expectValid('GET', collection, `${collection}?limit=100`, { token });
      expect(list.status, collection).toBe(200);
      const items = pageOf(list).items;
      expect(items.length, collection).toBeGreaterThan(0);
      const next = pageOf(list).nextCursor;
      if (next !== null) {
        const cursor = `${collection}?limit=100&cursor=${encodeURIComponent(next)}`;
        await expectValid('GET', collection, cursor, { token });
      }
      for (const item of items.slice(0, 5)) {
        const id = idOf({ ...list, body: item });
        const read = await expectValid('GET', `${collection}/{id}`, `${collection}/${id}`, {
          token,
        });
        expect(read.status).toBe(200);
      }
    }
  });

  it('matches search, audit verification, health, unmask and the writes', async () => {
    const analyst = await w.t.token(['EDS.Analyst'], ['DC']);
    for (const q of ['transportation', 'bridge', 'research']) {
      const search = await expectValid('GET', '/v1/search', `/v1/search?q=${q}`, {
        token: analyst,
      });
      expect(search.status).toBe(200);
    }
    const officer = await w.t.token(['EDS.ComplianceOfficer'], ['DC']);
    const verify = await expectValid('GET', '/v1/audit/verify', '/v1/audit/verify', {
      token: officer,
    });
    expect(verify.status).toBe(200);
    expect((await expectValid('GET', '/health', '/health')).status).toBe(200);
    const pii = await w.t.token(['EDS.PiiReader', 'EDS.Reader'], ['DC']);
    const unmask = { fields: ['ein'], reason: 'Single Audit follow-up for the DC division' };
    const unmasked = await expectValid(
      'POST',
      '/v1/recipients/{id}/unmask',
      '/v1/recipients/3/unmask',
      { token: pii, json: unmask },
    );
    expect(unmasked.status).toBe(200);
    const manager = { token: w.manager };
    const vendor = await expectValid('POST', '/v1/vendors', '/v1/vendors', {
      ...manager,
      json: w.vendorBody(),
    });
    expect(vendor.status).toBe(201);
    const renamed = await expectValid('PATCH', '/v1/vendors/{id}', `/v1/vendors/${idOf(vendor)}`, {
      ...manager,
      json: { name: 'Renamed Paving' },
      headers: { 'if-match': vendor.headers.get('etag') ?? '' },
    });
    expect(renamed.status).toBe(200);
    const obligation = await expectValid('POST', '/v1/obligations', '/v1/obligations', {
      ...manager,
      json: w.obligationBody(),
    });
    expect(obligation.status).toBe(201);
    const path = `/v1/obligations/${idOf(obligation)}`;
    const changed = await expectValid('PATCH', '/v1/obligations/{id}', path, {
      ...manager,
      json: { description: 'Resurfacing, phase 3' },
      headers: { 'if-match': obligation.headers.get('etag') ?? '' },
    });
    expect(changed.status).toBe(200);
  });

  it('matches the problem documents of refusals, the host’s own among them', async () => {
    const reader = await w.t.token(['EDS.Reader'], ['DC']);
    const refusals: [string, string, string, TestRequestOptions, number][] = [
      ['GET', '/v1/awards', '/v1/awards?limit=0', { token: reader }, 400],
      ['GET', '/v1/awards', '/v1/awards', {}, 401],
      ['GET', '/v1/search', '/v1/search?q=x', { token: reader }, 403],
      ['GET', '/v1/awards/{id}', '/v1/awards/999999999', { token: reader }, 404],
      ['POST', '/v1/vendors', '/v1/vendors', { token: w.manager, body: '{}' }, 415],
      [
        'PATCH',
        '/v1/vendors/{id}',
        '/v1/vendors/1',
        { token: w.manager, json: { name: 'x' } },
        428,
      ],
    ];
    for (const [method, template, path, options, status] of refusals) {
      expect((await expectValid(method, template, path, options)).status, path).toBe(status);
    }
    const reply = await rawExchange(
      w.t.host.port,
      `GET /api/v1/awards HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
    );
    expect(reply.status).toBe(431);
    expect(schemas.errors('/v1/awards', 'get', 431, reply.body)).toEqual([]);
  });

  // Runs last: a check that validated nothing would pass.
  it('has checked a good sample of answers, with checks that can fail', () => {
    expect(checked).toBeGreaterThan(100);
    const page = { items: [{ id: 'one', surprise: 1 }], nextCursor: null };
    expect(schemas.errors('/v1/awards', 'get', 200, page)).not.toEqual([]);
    expect(schemas.undocumented('/v1/awards', 'get', 200, page)).toEqual(['$.items[0].surprise']);
    // Fields every reader gets are required: an answer without a division does not match.
    const partial = { items: [{ id: 1 }], nextCursor: null, total: 1 };
    expect(schemas.errors('/v1/awards', 'get', 200, partial).join()).toContain('division');
    expect(schemas.errors('/v1/awards', 'get', 400, { code: 'NOPE' })).not.toEqual([]);
  });
});
