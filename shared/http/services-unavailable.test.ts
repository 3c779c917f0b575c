import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { HttpFunctionDefinition } from '../registry/function-registry.js';
import { HttpRequest, InvocationContext } from '../runtime/functions-runtime.js';
import { installServices } from '../runtime/services.js';
import { createHttpHandler } from './http-pipeline.js';

const definition: HttpFunctionDefinition = {
  name: 'test-get-anything',
  capability: 'test',
  route: 'v1/test/anything',
  methods: ['GET'],
  access: { public: true },
  summary: 'Never reached: the services fail first (test only)',
  handler: () => Promise.reject(new Error('the handler must not run')),
};

const ProblemSchema = z.looseObject({ code: z.string(), correlationId: z.string() });
const LogLineSchema = z.looseObject({ level: z.string(), event: z.string() });

describe('request pipeline without services', () => {
  it('answers 503 with a correlation id and logs the code, never the message', async () => {
    const failure = Object.assign(new Error('connect to postgres://eds:hunter2@db failed'), {
      code: 'ECONNREFUSED',
    });
    installServices(() => Promise.reject(failure));
    const lines: unknown[] = [];
    const context = new InvocationContext({
      invocationId: 'invocation-1',
      functionName: definition.name,
      logHandler: (_level, ...args) => lines.push(...args),
    });
    const request = new HttpRequest({
      method: 'GET',
      url: 'http://localhost/api/v1/test/anything',
    });

    const response = await createHttpHandler(definition)(request, context);

    const headers = response.headers as Record<string, string>;
    const problem = ProblemSchema.parse(JSON.parse(z.string().parse(response.body)));
    expect(response.status).toBe(503);
    expect(problem.code).toBe('STORE_UNAVAILABLE');
    expect(headers['X-Correlation-Id']).toBe(problem.correlationId);
    expect(headers['Retry-After']).toBe('5');
    expect(lines).toHaveLength(1);
    expect(LogLineSchema.parse(JSON.parse(z.string().parse(lines[0])))).toMatchObject({
      level: 'error',
      event: 'http.services_unavailable',
      invocationId: 'invocation-1',
      correlationId: problem.correlationId,
      function: definition.name,
      code: 'ECONNREFUSED',
      errorName: 'Error',
    });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});
