import { beforeAll, describe, expect, it } from 'vitest';

import { ROLES, ROLE_PERMISSIONS, type Permission } from '../../shared/auth/roles.js';
import { useWriteHost } from '../../functions/data/writes/test-support/write-host.js';
import {
  documentedCodes,
  documentedStatuses,
  parseOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
} from '../support/openapi-operations.js';
import { rawExchange, type RawReply } from '../support/raw-exchange.js';
import { idOf, pageOf } from '../support/response-body.js';
import type { TestRequestOptions, TestResponse } from '../support/test-host.js';

/** One operation of the served document, where it is and what it answers. */
interface Walked {
  readonly method: string;
  readonly template: string;
  readonly operation: OpenApiOperation;
}

/** A request that should succeed: the path below `/api` and what it sends. */
interface Probe {
  readonly path: string;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

/** What an answer is checked on, whether `fetch` or a raw socket read it. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  header(name: string): string | null;
}

const fromFetch = (response: TestResponse): Answer => ({
  status: response.status,
  body: response.body,
  header: (name) => response.headers.get(name),
});

const fromRaw = (reply: RawReply): Answer => ({
  status: reply.status,
  body: reply.body,
  header: (name) => reply.headers.get(name.toLowerCase()) ?? null,
});

const UNMASK_REASON = 'Single Audit follow-up for the DC division';
const FOREIGN_ORIGIN = { origin: 'http://evil.example' };

describe('every operation of the OpenAPI document against what the local host answers', () => {
  const w = useWriteHost();
  let document: OpenApiDocument;
  let walked: Walked[] = [];
  let components: Record<string, unknown> = {};
  let raw: unknown;
  const produced = new Map<string, Set<number>>();

  beforeAll(async () => {
    const served = await w.t.request('GET', '/api/v1/openapi.json');
    raw = served.body;
    document = parseOpenApiDocument(served.body);
    components = (served.body as { components: { responses: Record<string, unknown> } }).components
      .responses;
    walked = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        operation,
      })),
    );
  });

  /**
   * Checks an answer against the operation's description: a documented status, every required
   * header of it sent, and for a refusal a problem document whose code the response names.
   */
  function expectDocumented(op: Walked, answer: Answer, label: string): Answer {
    const id = op.operation.operationId;
    const context = `${id} ${label} → ${answer.status}`;
    expect(documentedStatuses(op.operation), context).toContain(answer.status);
    produced.set(id, (produced.get(id) ?? new Set()).add(answer.status));
    const response = op.operation.responses[String(answer.status)];
    for (const [name, header] of Object.entries(response?.headers ?? {})) {
      if (header.required) expect(answer.header(name), `${context} ${name}`).not.toBeNull();
    }
    if (answer.status >= 400) {
      expect(answer.header('content-type'), context).toBe('application/problem+json');
      const { code } = answer.body as { code: string };
      expect(documentedCodes(response ?? { description: '' }), context).toContain(code);
    }
    return answer;
  }

  const isPublic = (op: Walked) => op.operation['x-eds-permission'] === 'public';
  const hasId = (op: Walked) => op.template.includes('{id}');
  const hasBody = (op: Walked) => op.method === 'POST' || op.method === 'PATCH';
  const hasQuery = (op: Walked) =>
    (op.operation.parameters ?? []).some((parameter) => parameter.in === 'query');

  async function tokenFor(op: Walked): Promise<string | undefined> {
    if (isPublic(op)) return undefined;
    const permission = op.operation['x-eds-permission'] as Permission;
    const role = ROLES.find((candidate) => ROLE_PERMISSIONS[candidate].includes(permission));
    if (role === undefined) throw new Error(`no role grants ${permission}`);
    return w.t.token([role], ['DC']);
  }

  /** A request that should succeed: a record to name, a body to send, a version to match. */
  async function successProbe(op: Walked): Promise<Probe> {
    const id = op.operation.operationId;
    if (id === 'data-create-vendor') return { path: op.template, json: w.vendorBody() };
    if (id === 'data-create-obligation') return { path: op.template, json: w.obligationBody() };
    if (id === 'search-query-records') return { path: `${op.template}?q=transportation` };
    if (!hasId(op)) return { path: op.template };
    const collection = op.template.slice(0, op.template.indexOf('/{id}'));
    if (op.method === 'PATCH') {
      const vendors = collection.endsWith('vendors');
      const created = await (vendors
        ? w.post(`/api${collection}`, w.vendorBody())
        : w.post(`/api${collection}`, w.obligationBody()));
      return {
        path: `${collection}/${idOf(created)}`,
        json: vendors ? { name: 'Renamed Paving' } : { description: 'Resurfacing, phase 3' },
        headers: { 'if-match': created.headers.get('etag') ?? '' },
      };
    }
    const list = await w.t.request('GET', `/api${collection}?limit=1`, { token: w.manager });
    const first = idOf({ ...list, body: pageOf(list).items[0] });
    const path = op.template.replace('{id}', String(first));
    return id === 'data-unmask-recipient'
      ? { path, json: { fields: ['ein'], reason: UNMASK_REASON } }
      : { path };
  }

  async function send(op: Walked, label: string, probe: Probe, extra: TestRequestOptions = {}) {
    const token = extra.token ?? (await tokenFor(op));
    const response = await w.t.request(op.method, `/api${probe.path}`, {
      ...(token === undefined ? {} : { token }),
      ...(probe.json === undefined ? {} : { json: probe.json }),
      ...extra,
      headers: { ...probe.headers, ...extra.headers },
    });
    return expectDocumented(op, fromFetch(response), label);
  }

  async function sendRaw(op: Walked, label: string, path: string, headerLines: string[]) {
    const head = [`${op.method} /api${path} HTTP/1.1`, ...headerLines, 'Connection: close'];
    const reply = await rawExchange(w.t.host.port, `${head.join('\r\n')}\r\n\r\n`);
    return expectDocumented(op, fromRaw(reply), label);
  }

  it('answers each operation its one documented success, with its required headers', async () => {
    for (const op of walked) {
      const answer = await send(op, 'success', await successProbe(op));
      expect(answer.status, op.operation.operationId).toBeLessThan(300);
    }
  });

  it('answers the refusals of the request and the pipeline as documented', async () => {
    for (const op of walked) {
      const probe = await successProbe(op);
      const url = (query: string) => ({ ...probe, path: `${probe.path.split('?')[0]}?${query}` });
      expect((await send(op, 'repeated query', url('zz=1&zz=2'))).status).toBe(400);
      await send(op, 'unknown query', url('zz=1'));
      const foreign = await send(op, 'foreign origin', probe, { headers: FOREIGN_ORIGIN });
      expect(foreign.status).toBe(403);
      if (hasQuery(op)) {
        for (const query of ['limit=0', 'limit=abc', 'cursor=garbage', 'division=dc']) {
          await send(op, query, url(query));
        }
      }
      if (!isPublic(op)) {
        const anonymous = await w.t.request(op.method, `/api${probe.path}`, {
          ...(probe.json === undefined ? {} : { json: probe.json }),
        });
        expect(expectDocumented(op, fromFetch(anonymous), 'no token').status).toBe(401);
        const garbage = await send(op, 'bad token', probe, { token: 'not.a.token' });
        expect(garbage.status).toBe(401);
        const admin = await w.t.token(['EDS.Admin'], ['DC']);
        const forbidden = await send(op, 'no permission', probe, { token: admin });
        expect(forbidden.status).toBe(403);
      }
      if (hasId(op)) {
        const named = (id: string) => ({ ...probe, path: op.template.replace('{id}', id) });
        expect((await send(op, 'id abc', named('abc'))).status).toBe(400);
        expect((await send(op, 'id %ZZ', named('%ZZ'))).status).toBe(400);
        const absent = { headers: { ...probe.headers, 'if-match': '"999999999-1"' } };
        const missing = await send(op, 'absent id', { ...named('999999999'), ...absent });
        expect(missing.status).toBe(404);
      }
      if (op.operation.operationId === 'data-create-obligation') {
        const elsewhere = { ...probe, json: w.obligationBody({ contractId: w.vaContractId }) };
        expect((await send(op, 'contract out of scope', elsewhere)).status).toBe(404);
      }
      if (hasBody(op)) {
        const text = { headers: { 'content-type': 'text/plain' } };
        expect((await send(op, 'text body', probe, text)).status).toBe(415);
        for (const body of ['{', '', '[]', '{"a":1,"a":2}', '{}']) {
          const raw = { body, headers: { 'content-type': 'application/json' } };
          const answer = await send(op, `body ${body}`, { ...probe, json: undefined }, raw);
          expect(answer.status, `${op.operation.operationId} ${body}`).toBeGreaterThanOrEqual(400);
        }
      }
    }
  });

  it('answers what the host refuses before any operation as documented', async () => {
    for (const op of walked) {
      const { path } = await successProbe(op);
      const bare = path.split('?')[0] ?? path;
      const declared = ['Host: x', 'Content-Length: 999999999'];
      expect((await sendRaw(op, 'declared 1 GB', bare, declared)).status).toBe(413);
      expect((await sendRaw(op, 'no Host', bare, [])).status).toBe(400);
      const big = ['Host: x', `X-Big: ${'a'.repeat(17_000)}`];
      expect((await sendRaw(op, 'headers over 16 KB', bare, big)).status).toBe(431);
    }
    const refs = Object.values(
      (raw as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> })
        .paths,
    ).flatMap((methods) => Object.values(methods).map((operation) => operation.responses));
    for (const responses of refs) {
      expect(responses['408']).toEqual({ $ref: '#/components/responses/RequestTimeout' });
      expect(responses['431']).toEqual({ $ref: '#/components/responses/HeadersTooLarge' });
    }
  });

  it('answers 405 to a method a documented path lacks, the documented ones in Allow', async () => {
    for (const [template, methods] of Object.entries(document.paths)) {
      const documented = Object.keys(methods).map((method) => method.toUpperCase());
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (documented.includes(method)) continue;
        const path = `/api${template.replace('{id}', '1')}`;
        const response = await w.t.request(method, path, { token: w.manager });
        expect(response.status, `${method} ${template}`).toBe(405);
        expect(response.headers.get('allow')?.split(', ').sort()).toEqual(documented.sort());
        expect((response.body as { code: string }).code).toBe('HTTP_METHOD_NOT_ALLOWED');
      }
    }
    expect(components['MethodNotAllowed']).toBeDefined();
    for (const op of walked) expect(documentedStatuses(op.operation)).not.toContain(405);
  });

  it('answers a path no operation has 404 from the host; lists need no 404', async () => {
    for (const path of ['/api/v1/award', '/api/v1/awards/1/extra', '/api/v1/awards/']) {
      const response = await w.t.request('GET', path, { token: w.manager });
      expect(response.status, path).toBe(404);
      expect((response.body as { code: string }).code, path).toBe('HTTP_NOT_FOUND');
    }
    expect(components['RouteNotFound']).toBeDefined();
    for (const op of walked) {
      const listed = documentedStatuses(op.operation).includes(404);
      if (hasId(op)) expect(listed, op.operation.operationId).toBe(true);
      if (op.method === 'GET' && !hasId(op)) expect(listed, op.operation.operationId).toBe(false);
    }
  });

  // Runs last: it reads what the cases above produced.
  it('has produced on every operation its success and the sampled refusals', () => {
    expect(walked.length).toBeGreaterThan(20);
    for (const op of walked) {
      const expected = [400, 403, 413, 431];
      if (!isPublic(op)) expected.push(401);
      if (documentedStatuses(op.operation).includes(404)) expected.push(404);
      if (hasBody(op)) expected.push(415);
      const statuses = [...(produced.get(op.operation.operationId) ?? [])];
      expect(statuses, op.operation.operationId).toEqual(expect.arrayContaining(expected));
      expect(statuses.filter((status) => status < 300)).toHaveLength(1);
    }
  });
});
