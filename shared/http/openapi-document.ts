import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
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

type ResponseEntry = RouteConfig['responses'][string];

const CorrelationIdSchema = z.string().uuid().meta({
  description: "Names the request in the service's logs and audit trail; quote it when reporting",
});

/** Headers the pipeline puts on every response it answers. */
const COMMON_HEADERS = { 'X-Correlation-Id': CorrelationIdSchema };

const RetryAfterSchema = z.string().regex(/^\d+$/).meta({
  description: 'Seconds to wait before trying again',
});

/** Headers of the error responses that carry more than the common ones, by status. */
const ERROR_HEADERS: Readonly<Record<number, z.ZodObject>> = {
  401: z.object({
    ...COMMON_HEADERS,
    'WWW-Authenticate': z.string().meta({
      description: 'The Bearer challenge; `error="invalid_token"` when a token was refused',
    }),
  }),
  429: z.object({ ...COMMON_HEADERS, 'Retry-After': RetryAfterSchema }),
  503: z.object({ ...COMMON_HEADERS, 'Retry-After': RetryAfterSchema.optional() }),
};

/**
 * Statuses the pipeline itself may answer for a function of this shape: every function refuses a
 * foreign origin (403) and a declared body over the limit (413), whether it takes a body or not.
 */
function pipelineStatuses(isPublic: boolean, hasBody: boolean): number[] {
  const statuses = [400, 403, 413, 429, 500, 503];
  if (!isPublic) statuses.push(401, 404);
  if (hasBody) statuses.push(415);
  return statuses;
}

/**
 * One problem+json response per status the function may answer with an error: the pipeline's,
 * and those of the codes the definition declares, which the description names.
 */
function problemResponses(
  definition: HttpFunctionDefinition,
  isPublic: boolean,
): Record<string, ResponseEntry> {
  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const status of pipelineStatuses(isPublic, definition.body !== undefined)) {
    codesByStatus.set(status, []);
  }
  for (const code of definition.errorCodes ?? []) {
    const status = ERROR_STATUS[code];
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseEntry> = {};
  for (const [status, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.length === 0 ? 'Problem details' : `Problem details: ${codes.join(', ')}`,
      headers: ERROR_HEADERS[status] ?? z.object(COMMON_HEADERS),
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}

/** The one success the definition declares, with its body schema and headers. */
function successResponse(definition: HttpFunctionDefinition): Record<string, ResponseEntry> {
  const { response, responseHeaders } = definition;
  const status = definition.successStatus ?? 200;
  const hasContent = response !== undefined && status !== 204;
  return {
    [String(status)]: {
      description: status === 201 ? 'Created' : 'Success',
      headers: z.object({ ...COMMON_HEADERS, ...responseHeaders?.shape }),
      ...(hasContent ? { content: { 'application/json': { schema: response } } } : {}),
    },
  };
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly serverUrl: string;
}

/**
 * Builds the OpenAPI 3.1 description from the same definitions and Zod schemas the pipeline
 * validates with. Every operation carries `x-eds-permission`: its permission, or `public`. Its
 * success status, request and response headers and error codes are the ones the definition
 * declares; every error response is problem+json.
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
          ...(definition.requestHeaders === undefined
            ? {}
            : { headers: definition.requestHeaders }),
          ...(definition.body === undefined
            ? {}
            : { body: { content: { 'application/json': { schema: definition.body } } } }),
        },
        responses: { ...successResponse(definition), ...problemResponses(definition, isPublic) },
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
