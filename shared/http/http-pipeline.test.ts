import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { fieldsOf, problemOf } from '../../test/support/response-body.js';
import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { defineHttpFunction } from './define-http-function.js';

const EchoBodySchema = z
  .object({
    note: z.string().max(200),
    amount: z.number().finite().min(-1e12).max(1e12),
    tags: z.array(z.string().max(20)).max(10).optional(),
  })
  .strict();

defineHttpFunction({
  name: 'test-echo-body',
  capability: 'test',
  route: 'v1/test/echo',
  methods: ['POST'],
  access: { permission: 'records:write' },
  summary: 'Echoes a validated body (test only)',
  body: EchoBodySchema,
  maxBodyBytes: 4096,
  handler: async ({ body }) => ({ status: 201, body, auditResource: 'test:echo' }),
});

defineHttpFunction({
  name: 'test-get-query',
  capability: 'test',
  route: 'v1/test/query/{id}',
  methods: ['GET'],
  access: { permission: 'records:read' },
  summary: 'Echoes validated params and query (test only)',
  params: z.object({ id: z.string().uuid() }).strict(),
  query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
  handler: async ({ params, query, principal }) => ({
    body: { params, query, who: principal?.id },
  }),
});

defineHttpFunction({
  name: 'test-throw-unexpected',
  capability: 'test',
  route: 'v1/test/explode',
  methods: ['GET'],
  access: { permission: 'records:read' },
  summary: 'Throws an unexpected error carrying sensitive text (test only)',
  handler: async () => {
    throw new Error('db said: value 123-45-6789 violates constraint');
  },
});

const ID = '0b0f2f4e-1f5e-4a43-9d55-1f2d3c4b5a69';

describe('request pipeline on the local host', () => {
  let t: TestHost;
  let manager: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    manager = await t.token(['EDS.Manager'], ['DC']);
    reader = await t.token(['EDS.Reader'], ['DC']);
  });
  afterAll(() => t.close());

  it('serves the health probe without a token and with every security header', async () => {
    const response = await t.request('GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a problem document and the same headers', async () => {
    const response = await t.request('GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(problemOf(response).code).toBe('HTTP_NOT_FOUND');
  });

  it('rejects a call without a token with 401 and a Bearer challenge', async () => {
    const response = await t.request('GET', `/api/v1/test/query/${ID}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.body).toMatchObject({ status: 401, code: 'AUTH_TOKEN_MISSING' });
    expect(problemOf(response).correlationId).toBe(response.headers.get('x-correlation-id'));
  });

  it('rejects a tampered token with 401 invalid_token and no reason text', async () => {
    const [head, payload, signature] = manager.split('.');
    const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    forged.roles = ['EDS.Admin', 'EDS.Manager'];
    const forgedPayload = Buffer.from(JSON.stringify(forged)).toString('base64url');
    const token = `${head}.${forgedPayload}.${signature}`;
    const response = await t.request('GET', `/api/v1/test/query/${ID}`, { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(problemOf(response).detail).toBeUndefined();
    expect(response.text).not.toMatch(/signature|expired|jws/i);
  });

  it('reads Bearer in any case, then one or more spaces, and nothing else as a token', async () => {
    for (const scheme of ['Bearer ', 'bearer ', 'BEARER  ']) {
      const response = await t.request('GET', `/api/v1/test/query/${ID}`, {
        headers: { authorization: `${scheme}${manager}` },
      });
      expect(response.status, scheme).toBe(200);
    }
    const malformed = [
      `Basic ${manager}`,
      `Bearer\t${manager}`,
      `Bearer ${manager} x`,
      // The same token re-spelled with base64 padding, which a lax decoder reads as the original.
      `Bearer ${manager}==`,
    ];
    for (const value of malformed) {
      const response = await t.request('GET', `/api/v1/test/query/${ID}`, {
        headers: { authorization: value },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('ignores x-ms-client-principal headers that claim an identity', async () => {
    const principal = Buffer.from(
      JSON.stringify({ userId: 'admin', userRoles: ['EDS.Admin'] }),
    ).toString('base64');
    const response = await t.request('GET', `/api/v1/test/query/${ID}`, {
      headers: {
        'x-ms-client-principal': principal,
        'x-ms-client-principal-id': 'admin',
        'x-ms-client-principal-name': 'admin',
      },
    });
    expect(response.status).toBe(401);
  });

  it('refuses a reader the write permission with 403', async () => {
    const response = await t.request('POST', '/api/v1/test/echo', {
      token: reader,
      json: { note: 'x', amount: 1 },
    });
    expect(response.status).toBe(403);
    expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
  });

  it('refuses an app-only token without an app role with 403', async () => {
    const token = await t.token([], [], { app: true });
    const response = await t.request('GET', `/api/v1/test/query/${ID}`, { token });
    expect(response.status).toBe(403);
  });

  it('accepts a valid body from a manager and stores nothing twice', async () => {
    const response = await t.request('POST', '/api/v1/test/echo', {
      token: manager,
      json: { note: "O'Brien; DROP TABLE awards; --", amount: 12.5 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ note: "O'Brien; DROP TABLE awards; --", amount: 12.5 });
  });

  const invalidUtf8 = Uint8Array.from([
    ...Buffer.from('{"note":"'),
    0xff,
    0xfe,
    ...Buffer.from('","amount":1}'),
  ]);
  const badBodies: [string, string | Uint8Array, Record<string, string>, number, string][] = [
    [
      'a body that is not JSON',
      '{"note": "x", ',
      { 'content-type': 'application/json' },
      400,
      'HTTP_INVALID_JSON',
    ],
    [
      'a body sent as text/plain',
      '{"note":"x","amount":1}',
      { 'content-type': 'text/plain' },
      415,
      'HTTP_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a form-encoded body',
      'note=x&amount=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'HTTP_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body with duplicate keys',
      '{"note":"a","amount":1,"note":"b"}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a body with a __proto__ key',
      '{"note":"a","amount":1,"__proto__":{"isAdmin":true}}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a body with a constructor.prototype key',
      '{"note":"a","amount":1,"constructor":{"prototype":{"x":1}}}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a deeply nested body',
      `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a huge number',
      '{"note":"a","amount":1e400}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a number rounded away as it is read',
      '{"note":"a","amount":445873.0000000000000001}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a number past the allowed range',
      '{"note":"a","amount":123456789012345678901234567890}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unknown key',
      '{"note":"a","amount":1,"isAdmin":true}',
      { 'content-type': 'application/json' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a body over the limit',
      JSON.stringify({ note: 'a', amount: 1, tags: ['x'.repeat(5000)] }),
      { 'content-type': 'application/json' },
      413,
      'HTTP_BODY_TOO_LARGE',
    ],
    [
      'a body that is not UTF-8',
      invalidUtf8,
      { 'content-type': 'application/json' },
      400,
      'HTTP_INVALID_JSON',
    ],
  ];

  it.each(badBodies)(
    'rejects %s with a problem document',
    async (_title, body, headers, status, code) => {
      const response = await t.request('POST', '/api/v1/test/echo', {
        token: manager,
        body,
        headers,
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(problemOf(response).code).toBe(code);
      expect(response.text).not.toContain('true');
      expect(response.text).not.toContain('xxxxx');
    },
  );

  it('names the failing field and rule but never echoes the rejected value', async () => {
    const response = await t.request('POST', '/api/v1/test/echo', {
      token: manager,
      json: { note: 'SECRET-VALUE-42', amount: 'lots' },
    });
    expect(response.status).toBe(400);
    expect(problemOf(response).errors).toContainEqual({
      location: 'body',
      path: 'amount',
      rule: 'invalid_type',
    });
    expect(response.text).not.toContain('SECRET-VALUE-42');
    expect(response.text).not.toContain('lots');
  });

  it('validates route parameters and query strings and rejects repeated parameters', async () => {
    const ok = await t.request('GET', `/api/v1/test/query/${ID}?limit=5`, { token: reader });
    expect(ok.status).toBe(200);
    expect(fieldsOf(ok)['query']).toEqual({ limit: 5 });
    const badId = await t.request('GET', "/api/v1/test/query/1' OR '1'='1", { token: reader });
    expect(badId.status).toBe(400);
    expect(problemOf(badId).errors?.[0]).toMatchObject({ location: 'params', path: 'id' });
    const repeated = await t.request('GET', `/api/v1/test/query/${ID}?limit=1&limit=200`, {
      token: reader,
    });
    expect(repeated.status).toBe(400);
    const unknown = await t.request('GET', `/api/v1/test/query/${ID}?limit=1&admin=true`, {
      token: reader,
    });
    expect(unknown.status).toBe(400);
    expect(problemOf(unknown).errors?.[0]).toMatchObject({
      location: 'query',
      rule: 'unrecognized_key',
    });
  });

  it('never names back an unknown key that reads as a tax id', async () => {
    const base = `/api/v1/test/query/${ID}?limit=1`;
    const query = await t.request('GET', `${base}&530196932=1`, { token: reader });
    const json = { note: 'x', amount: 1, '12-3456789': 'v' };
    const body = await t.request('POST', '/api/v1/test/echo', { token: manager, json });
    for (const [response, key] of [
      [query, '530196932'],
      [body, '12-3456789'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { location: response === query ? 'query' : 'body', path: '', rule: 'unrecognized_key' },
      ]);
      expect(response.text).not.toContain(key);
    }
  });

  it('turns an unexpected error into a bare 500 carrying only the correlation id', async () => {
    const response = await t.request('GET', '/api/v1/test/explode', { token: reader });
    expect(response.status).toBe(500);
    expect(Object.keys(fieldsOf(response)).sort()).toEqual([
      'code',
      'correlationId',
      'status',
      'title',
      'type',
    ]);
    expect(response.text).not.toContain('123-45-6789');
    expect(response.text).not.toMatch(/at .*\.ts|stack/);
  });

  it('answers a CORS preflight from an allow-listed origin, refuses any other', async () => {
    const preflight = await t.request('OPTIONS', '/api/v1/test/echo', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const stranger = await t.request('GET', `/api/v1/test/query/${ID}`, {
      token: reader,
      headers: { origin: 'https://evil.example' },
    });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(stranger.headers.get('vary')).toBe('Origin');
  });

  it('audits each request, and each refusal as a denial, with no token', async () => {
    const before = (await t.auditEvents()).length;
    await t.request('GET', `/api/v1/test/query/${ID}`, { token: reader });
    await t.request('POST', '/api/v1/test/echo', { token: reader, json: { note: 'x', amount: 1 } });
    const events = (await t.auditEvents()).slice(before);
    expect(events.map((e) => e['type'])).toEqual(['http.request', 'http.request', 'auth.denied']);
    expect(events[0]).toMatchObject({
      outcome: 'success',
      status: 200,
      permission: 'records:read',
      function: 'test-get-query',
    });
    expect(events[2]).toMatchObject({
      outcome: 'denied',
      reason: 'permission_missing',
      permission: 'records:write',
    });
    expect(JSON.stringify(events)).not.toContain(reader.split('.')[1]);
  });

  it('runs a timer on demand only for an app token holding EDS.Jobs', async () => {
    const jobs = await t.token(['EDS.Jobs'], [], { app: true });
    const missing = await t.request('POST', '/admin/functions/nothing-named-this', { token: jobs });
    expect(missing.status).toBe(404);
    const user = await t.request('POST', '/admin/functions/nothing-named-this', {
      token: await t.token(['EDS.Jobs'], []),
    });
    expect(user.status).toBe(403);
  });
});
