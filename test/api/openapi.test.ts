import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { listHttpFunctions } from '../../shared/registry/function-registry.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

describe('GET /api/v1/openapi.json', () => {
  let t: TestHost;
  const Operation = z.looseObject({
    operationId: z.string(),
    'x-eds-permission': z.string(),
    security: z.array(z.unknown()),
  });
  const OpenApiDocument = z.looseObject({
    openapi: z.string(),
    paths: z.record(z.string(), z.record(z.string(), Operation)),
  });
  let document: z.infer<typeof OpenApiDocument>;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    document = OpenApiDocument.parse((await t.request('GET', '/api/v1/openapi.json')).body);
  });
  afterAll(() => t.close());

  it('is an OpenAPI 3.1 document served without a token', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every Azure-registered function with the permission it declares', () => {
    const operations = new Map(
      Object.values(document.paths).flatMap((methods) =>
        Object.values(methods).map((op) => [op.operationId, op]),
      ),
    );
    for (const fn of listHttpFunctions().filter((d) => d.localOnly !== true)) {
      const operation = operations.get(fn.name);
      expect(operation, fn.name).toBeDefined();
      const expected = 'permission' in fn.access ? fn.access.permission : 'public';
      expect(operation?.['x-eds-permission']).toBe(expected);
      expect(operation?.security).toEqual(expected === 'public' ? [] : [{ entraBearer: [] }]);
    }
  });

  it('leaves the development issuer out of the published contract', () => {
    expect(Object.keys(document.paths).some((path) => path.includes('dev-issuer'))).toBe(false);
  });

  it('describes query parameters from the same schemas the pipeline validates with', () => {
    const list = document.paths['/v1/awards']?.['get'] as unknown as {
      parameters: { name: string; in: string }[];
    };
    const names = list.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['division', 'q', 'limit', 'cursor']));
  });
});
