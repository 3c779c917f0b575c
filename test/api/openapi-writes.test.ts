import { beforeAll, describe, expect, it } from 'vitest';

import { ERROR_STATUS } from '../../shared/errors/error-codes.js';
import { listHttpFunctions } from '../../shared/registry/function-registry.js';
import { useWriteHost } from '../../functions/data/writes/test-support/write-host.js';
import {
  documentedStatuses,
  operationsOf,
  parseOpenApiDocument,
  type OpenApiOperation,
} from '../support/openapi-operations.js';
import { idOf, pageOf, problemOf } from '../support/response-body.js';
import type { TestResponse } from '../support/test-host.js';

/** Headers a write or a read by id answers that only the definition can document. */
const CONTRACT_HEADERS = ['etag', 'location', 'idempotency-replayed'];
const WRITE_OPERATION = /^data-(create|update)-/;

describe('the OpenAPI document against what the writes answer', () => {
  const w = useWriteHost();
  const { post, patch, vendorBody, obligationBody } = w;
  let operations: Map<string, OpenApiOperation>;
  const answered = new Map<string, Set<number>>();

  beforeAll(async () => {
    const served = await w.t.request('GET', '/api/v1/openapi.json');
    operations = operationsOf(parseOpenApiDocument(served.body));
  });

  /**
   * Checks one answer of `operationId` against its description: a documented status; for a
   * success, the one documented success, every required header sent and every header sent
   * documented; for a refusal, problem+json. Remembers the status for the coverage check.
   */
  function expectDescribed(operationId: string, response: TestResponse): TestResponse {
    const documented = operations.get(operationId);
    if (documented === undefined) throw new Error(`${operationId} is not documented`);
    const label = `${operationId} ${response.status}`;
    expect(documentedStatuses(documented), label).toContain(response.status);
    answered.set(operationId, (answered.get(operationId) ?? new Set()).add(response.status));
    const headers = documented.responses[String(response.status)]?.headers ?? {};
    const names = new Map(Object.keys(headers).map((name) => [name.toLowerCase(), name]));
    const required = [...names].filter(([, name]) => headers[name]?.required === true);
    for (const [lower] of required)
      expect(response.headers.has(lower), `${label} ${lower}`).toBe(true);
    if (response.status >= 400) {
      expect(response.headers.get('content-type'), label).toBe('application/problem+json');
      expect(problemOf(response).status, label).toBe(response.status);
      return response;
    }
    const success = documentedStatuses(documented).filter((status) => status < 300);
    expect(success, label).toEqual([response.status]);
    for (const lower of CONTRACT_HEADERS) {
      if (response.headers.has(lower)) expect(names.has(lower), `${label} ${lower}`).toBe(true);
    }
    return response;
  }

  async function createVendor(headers: Record<string, string> = {}, body = vendorBody()) {
    return expectDescribed('data-create-vendor', await post('/api/v1/vendors', body, headers));
  }

  it('describes every answer of POST /v1/vendors', async () => {
    const body = vendorBody();
    const created = await createVendor({ 'idempotency-key': 'openapi-vendor-1' }, body);
    expect(created.status).toBe(201);
    const replayed = await createVendor({ 'idempotency-key': 'openapi-vendor-1' }, body);
    expect(replayed.headers.get('idempotency-replayed')).toBe('true');
    const reused = await createVendor({ 'idempotency-key': 'openapi-vendor-1' });
    expect(reused.status).toBe(422);
    expect((await createVendor({}, { ...vendorBody(), duns: body['duns'] })).status).toBe(409);
    expect((await createVendor({}, vendorBody({ state: 'VA' }))).status).toBe(403);
    expect((await createVendor({ 'idempotency-key': 'no spaces' })).status).toBe(400);
    expect((await createVendor({}, vendorBody({ name: 'n'.repeat(40_000) }))).status).toBe(413);
    expect((await createVendor({ 'content-type': 'text/plain' })).status).toBe(415);
    const anonymous = await w.t.request('POST', '/api/v1/vendors', { json: vendorBody() });
    expect(expectDescribed('data-create-vendor', anonymous).status).toBe(401);
  });

  it('describes every answer of POST /v1/obligations', async () => {
    const send = async (json: unknown, headers: Record<string, string> = {}) =>
      expectDescribed('data-create-obligation', await post('/api/v1/obligations', json, headers));
    const key = { 'idempotency-key': 'openapi-obligation-1' };
    expect((await send(obligationBody(), key)).status).toBe(201);
    expect((await send(obligationBody({ description: 'other' }), key)).status).toBe(422);
    expect((await send(obligationBody({ contractId: w.vaContractId }))).status).toBe(404);
    expect((await send(obligationBody({ surprise: 1 }))).status).toBe(400);
  });

  it.each([
    ['data-update-vendor', '/api/v1/vendors', { name: 'Renamed Paving' }],
    ['data-update-obligation', '/api/v1/obligations', { description: 'Resurfacing, phase 3' }],
  ])('describes every answer of %s', async (operationId, collection, change) => {
    const json = collection.endsWith('vendors') ? vendorBody() : obligationBody();
    const created = await post(collection, json);
    const path = `${collection}/${idOf(created)}`;
    const etag = created.headers.get('etag') ?? '';
    const send = async (target: string, headers: Record<string, string>, body: unknown = change) =>
      expectDescribed(operationId, await patch(target, body, headers));
    expect((await send(path, {})).status).toBe(428);
    const key = { 'if-match': etag, 'idempotency-key': `openapi-${operationId}` };
    expect((await send(path, key)).status).toBe(200);
    const replayed = await send(path, key);
    expect(replayed.headers.get('idempotency-replayed')).toBe('true');
    expect((await send(path, { ...key, 'if-match': '"0-0"' })).status).toBe(422);
    expect((await send(path, { 'if-match': etag })).status).toBe(412);
    const absent = `${collection}/999999999`;
    expect((await send(absent, { 'if-match': '"999999999-1"' })).status).toBe(404);
    expect((await send(path, { 'if-match': 'unquoted' })).status).toBe(400);
  });

  it.each([
    ['data-get-vendor', '/api/v1/vendors'],
    ['data-get-contract-transaction', '/api/v1/contract-transactions'],
  ])('describes the ETag %s answers', async (operationId, collection) => {
    const list = await w.t.request('GET', `${collection}?limit=1`, { token: w.manager });
    const id = idOf({ ...list, body: pageOf(list).items[0] });
    const read = await w.t.request('GET', `${collection}/${id}`, { token: w.manager });
    expect(expectDescribed(operationId, read).headers.get('etag')).toMatch(/^"\d+-\d+"$/);
  });

  // Runs last: it reads what the cases above answered.
  it('has driven every write to every status its definition declares', () => {
    const writes = listHttpFunctions().filter(
      (fn) => 'permission' in fn.access && fn.access.permission === 'records:write',
    );
    expect(writes.map((fn) => fn.name).sort()).toEqual(
      [...answered.keys()].filter((id) => WRITE_OPERATION.test(id)).sort(),
    );
    for (const fn of writes) {
      const statuses = (fn.errorCodes ?? []).map((code) => ERROR_STATUS[code]);
      const declared = [fn.successStatus ?? 200, ...statuses];
      expect([...(answered.get(fn.name) ?? [])], fn.name).toEqual(expect.arrayContaining(declared));
    }
  });
});
