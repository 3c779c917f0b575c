import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';

import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes.js';
import type { HttpFunctionDefinition } from '../registry/function-registry.js';
import { problemType } from './problem.js';

const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    correlationId: z.string().uuid(),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ location: z.string(), path: z.string(), rule: z.string() }))
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

function asObject(schema: ZodType | undefined): z.ZodObject | undefined {
  return schema instanceof z.ZodObject ? schema : undefined;
}

function problemResponses(
  isPublic: boolean,
  hasBody: boolean,
): Record<string, { description: string; content: Record<string, { schema: ZodType }> }> {
  const statuses = new Set<number>([400, 429, 500, 503]);
  if (!isPublic) [401, 403, 404].forEach((status) => statuses.add(status));
  if (hasBody) [413, 415].forEach((status) => statuses.add(status));
  const responses: Record<
    string,
    { description: string; content: Record<string, { schema: ZodType }> }
  > = {};
  for (const status of [...statuses].sort()) {
    responses[String(status)] = {
      description: 'Problem details',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly serverUrl: string;
}

/**
 * Builds the OpenAPI 3.1 description from the same definitions and Zod schemas the pipeline
 * validates with. Every operation carries `x-eds-permission`: its permission, or `public`.
 */
export function buildOpenApiDocument(
  definitions: readonly HttpFunctionDefinition[],
  info: OpenApiInfo,
): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'entraBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Entra ID access token for the EDS API audience',
  });
  for (const definition of definitions.filter((d) => d.localOnly !== true)) {
    const isPublic = !('permission' in definition.access);
    const params = asObject(definition.params);
    const query = asObject(definition.query);
    for (const method of definition.methods) {
      registry.registerPath({
        method: method.toLowerCase() as 'get',
        path: `/${definition.route}`,
        operationId: definition.name,
        summary: definition.summary,
        tags: [definition.capability],
        security: isPublic ? [] : [{ entraBearer: [] }],
        'x-eds-permission':
          'permission' in definition.access ? definition.access.permission : 'public',
        request: {
          ...(params === undefined ? {} : { params }),
          ...(query === undefined ? {} : { query }),
          ...(definition.body === undefined
            ? {}
            : { body: { content: { 'application/json': { schema: definition.body } } } }),
        },
        responses: {
          '200': {
            description: 'Success',
            ...(definition.response === undefined
              ? {}
              : { content: { 'application/json': { schema: definition.response } } }),
          },
          ...problemResponses(isPublic, definition.body !== undefined),
        },
      });
    }
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  const document = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: `Problem types: ${problemType('INTERNAL').replace('internal', '<code>')}`,
    },
    servers: [{ url: info.serverUrl }],
  });
  return document as unknown as Record<string, unknown>;
}
