import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERROR_STATUS } from '../../shared/errors/error-codes.js';
import { listHttpFunctions } from '../../shared/registry/function-registry.js';
import {
  documentedStatuses,
  headerParameters,
  operationsOf,
  parseOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
} from '../support/openapi-operations.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

const PROBLEM = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
};

describe('GET /api/v1/openapi.json', () => {
  let t: TestHost;
  let document: OpenApiDocument;
  let operations: Map<string, OpenApiOperation>;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    document = parseOpenApiDocument((await t.request('GET', '/api/v1/openapi.json')).body);
    operations = operationsOf(document);
  });
  afterAll(() => t.close());

  function operation(operationId: string): OpenApiOperation {
    const found = operations.get(operationId);
    if (found === undefined) throw new Error(`${operationId} is not documented`);
    return found;
  }

  it('is an OpenAPI 3.1 document served without a token', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every Azure-registered function with the permission it declares', () => {
    for (const fn of listHttpFunctions().filter((d) => d.localOnly !== true)) {
      const documented = operations.get(fn.name);
      expect(documented, fn.name).toBeDefined();
      const expected = 'permission' in fn.access ? fn.access.permission : 'public';
      expect(documented?.['x-eds-permission']).toBe(expected);
      expect(documented?.security).toEqual(expected === 'public' ? [] : [{ entraBearer: [] }]);
    }
  });

  it('leaves the development issuer out of the published contract', () => {
    expect(Object.keys(document.paths).some((path) => path.includes('dev-issuer'))).toBe(false);
  });

  it('describes query parameters from the same schemas the pipeline validates with', () => {
    const list = document.paths['/v1/awards']?.['get'];
    const names = (list?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['division', 'q', 'limit', 'cursor']));
  });

  it('documents one success per operation: the status its definition declares', () => {
    for (const fn of listHttpFunctions().filter((d) => d.localOnly !== true)) {
      const successes = documentedStatuses(operation(fn.name)).filter((s) => s < 300);
      expect(successes, fn.name).toEqual([fn.successStatus ?? 200]);
    }
  });

  it('documents the status of every error code a definition declares, as problem+json', () => {
    for (const fn of listHttpFunctions().filter((d) => d.localOnly !== true)) {
      const { responses } = operation(fn.name);
      for (const code of fn.errorCodes ?? []) {
        const response = responses[String(ERROR_STATUS[code])];
        expect(response?.content, `${fn.name} ${code}`).toEqual(PROBLEM);
        expect(response?.description, `${fn.name} ${code}`).toContain(code);
      }
    }
  });

  it('references the problem schema from every error response of every operation', () => {
    for (const documented of operations.values()) {
      const errors = documentedStatuses(documented).filter((status) => status >= 400);
      expect(errors.length, documented.operationId).toBeGreaterThan(0);
      for (const status of errors) {
        const label = `${documented.operationId} ${status}`;
        expect(documented.responses[String(status)]?.content, label).toEqual(PROBLEM);
      }
    }
  });

  describe('writes', () => {
    const idempotent = { 'Idempotency-Key': false };
    const conditional = { 'If-Match': true, 'Idempotency-Key': false };
    it.each([
      ['data-create-vendor', 201, idempotent, ['ETag', 'Location'], [403, 409, 422]],
      ['data-create-obligation', 201, idempotent, ['ETag', 'Location'], [404, 422]],
      ['data-update-vendor', 200, conditional, ['ETag'], [404, 412, 422, 428]],
      ['data-update-obligation', 200, conditional, ['ETag'], [404, 412, 422, 428]],
    ])('documents %s as %i, its headers and its refusals', (id, success, headers, sent, errors) => {
      const documented = operation(id);
      expect(headerParameters(documented)).toEqual(headers);
      const statuses = documentedStatuses(documented);
      expect(statuses.filter((status) => status < 300)).toEqual([success]);
      expect(statuses).toEqual(expect.arrayContaining([400, 401, 413, 415, 429, 500, ...errors]));
      const responseHeaders = documented.responses[String(success)]?.headers ?? {};
      for (const name of sent) expect(responseHeaders[name]?.required, name).toBe(true);
      expect(responseHeaders['Idempotency-Replayed']?.required).toBe(false);
    });

    it('leaves conflicts, stale versions and missing versions off the creates', () => {
      expect(documentedStatuses(operation('data-create-obligation'))).not.toContain(409);
      expect(documentedStatuses(operation('data-create-vendor'))).not.toContain(428);
    });
  });

  it.each(['data-get-vendor', 'data-get-contract-transaction'])(
    'documents the ETag %s answers, optional since only the Postgres store sends it',
    (id) => {
      const headers = operation(id).responses['200']?.headers;
      expect(headers?.['ETag']?.required).toBe(false);
      expect(headerParameters(operation(id))).toEqual({});
    },
  );

  it('documents no ETag on a read by id of a record EDS never writes', () => {
    expect(operation('data-get-award').responses['200']?.headers?.['ETag']).toBeUndefined();
  });

  it('documents on every operation the refusals the pipeline makes of any request', async () => {
    const foreign = await t.request('GET', '/api/health', {
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    for (const [name, documented] of operations) {
      expect(documentedStatuses(documented), name).toEqual(expect.arrayContaining([403, 413]));
    }
  });

  it('documents the correlation id on every response, and the challenge and retry headers', () => {
    for (const [name, documented] of operations) {
      for (const [status, response] of Object.entries(documented.responses)) {
        const headers = response.headers ?? {};
        expect(headers['X-Correlation-Id']?.required, `${name} ${status}`).toBe(true);
        if (status === '401') expect(headers['WWW-Authenticate']?.required, name).toBe(true);
        if (status === '429') expect(headers['Retry-After']?.required, name).toBe(true);
        if (status === '503') expect(headers['Retry-After'], name).toBeDefined();
      }
    }
  });
});
