import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { defineHttpFunction } from './define-http-function.js';

defineHttpFunction({
  name: 'test-get-record',
  capability: 'test',
  route: 'v1/test/record/{id}',
  methods: ['GET'],
  access: { permission: 'records:read' },
  summary: 'Answers an empty record (test only)',
  params: z.object({ id: z.string().uuid() }).strict(),
  handler: async () => ({ body: {} }),
});

const ID = '5c1b9a0e-3d4f-4e6a-8b7c-2d1e0f9a8b7c';

describe('what the trail and the host record of each request', () => {
  let t: TestHost;
  let reader: string;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    reader = await t.token(['EDS.Reader'], []);
    // The first token verified fetches the issuer's keys, itself an audited request.
    await t.request('GET', `/api/v1/test/record/${ID}`, { token: reader });
  });
  afterAll(() => t.close());

  it('records in each of its events where a request came from', async () => {
    const before = (await t.auditEvents()).length;
    await t.request('GET', `/api/v1/test/record/${ID}`, { token: 'not.a.token' });
    const events = (await t.auditEvents()).slice(before);
    expect(events.map((e) => [e['type'], e['clientAddress']])).toEqual([
      ['http.request', '127.0.0.1'],
      ['auth.denied', '127.0.0.1'],
    ]);
  });

  it('names the record a refused request aimed at, when its path is valid', async () => {
    const before = (await t.auditEvents()).length;
    await t.request('GET', `/api/v1/test/record/${ID}`);
    await t.request('GET', '/api/v1/test/record/not-a-uuid', { token: reader });
    await t.request('GET', '/api/v1/test/record/eyJhbGciOiJIUzI1NiJ9.e30.x', { token: reader });
    const requests = (await t.auditEvents({ type: 'http.request' })).slice(-3);
    expect((await t.auditEvents()).length - before).toBe(4);
    expect(requests.map((e) => [e['status'], e['resource']])).toEqual([
      [401, `test/record/${ID}`],
      [400, undefined],
      [400, undefined],
    ]);
  });

  it('lets an allowed origin read the host’s own 404 and 405, varying on Origin', async () => {
    const allowed = { origin: 'http://localhost:5173' };
    const notFound = await t.request('GET', '/api/v1/nothing-here', { headers: allowed });
    const wrongMethod = await t.request('DELETE', '/api/health', { headers: allowed });
    for (const response of [notFound, wrongMethod]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(response.headers.get('access-control-expose-headers')).toContain('X-Correlation-Id');
      expect(response.headers.get('vary')).toBe('Origin');
    }
    expect(wrongMethod.status).toBe(405);
    const foreign = await t.request('GET', '/api/v1/nothing-here', {
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // The answer depends on the origin, so no shared cache may hand it to another.
    expect(foreign.headers.get('vary')).toBe('Origin');
    const none = await t.request('GET', '/api/v1/nothing-here');
    expect(none.headers.get('vary')).toBeNull();
  });

  it('lets an allowed origin read why a request was refused 401 (`WWW-Authenticate`)', async () => {
    const refused = await t.request('GET', `/api/v1/test/record/${ID}`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="eds"');
    const exposed = (refused.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
    expect(exposed).toContain('WWW-Authenticate');
  });

  it('names the admin endpoint’s own method in its preflight', async () => {
    const preflight = await t.request('OPTIONS', '/admin/functions/data-relay-audit-events', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  });

  it('names no function for a run asked for under a name no timer has', async () => {
    const response = await t.request('POST', '/admin/functions/zz-made-up-name');
    expect(response.status).toBe(401);
    const correlationId = response.headers.get('x-correlation-id') ?? 'none';
    const [event] = await t.auditEvents({ type: 'http.request', correlationId });
    expect(event).toBeDefined();
    expect(event?.['resource']).toBeUndefined();
  });
});
