import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';

import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes.js';
import type { HttpFunctionDefinition } from '../registry/function-registry.js';
import { API_VERSIONS, versionOf } from './api-versions.js';
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

const CORRELATION_ID_TEXT =
  "Names the request in the service's logs and audit trail; quote it when reporting";

const CorrelationIdSchema = z.string().uuid().meta({ description: CORRELATION_ID_TEXT });

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

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const CORRELATION_ID_HEADER = {
  required: true,
  description: CORRELATION_ID_TEXT,
  schema: { type: 'string', format: 'uuid' } as const,
};

/** An answer the host gives itself, before any function runs. */
interface HostResponse {
  readonly status: number;
  readonly code: ErrorCode;
  /** Whether a request to any operation can get it, so that every operation refers to it. */
  readonly everyOperation: boolean;
  readonly description: string;
  readonly allow?: true;
}

/**
 * The host's own answers, documented once under `components/responses`. 408, 417, 431 and 501
 * can answer a request to any operation (refused before the operation runs), so every operation
 * refers to them. 404 and 405 answer a request no operation takes: a path no route has, or a
 * method a documented path lacks (and `CONNECT`); no operation refers to them, and the
 * document's description names them.
 */
const HOST_RESPONSES: Readonly<Record<string, HostResponse>> = {
  RouteNotFound: {
    status: 404,
    code: 'HTTP_NOT_FOUND',
    everyOperation: false,
    description: 'Problem details: HTTP_NOT_FOUND. No operation has the path.',
  },
  MethodNotAllowed: {
    status: 405,
    code: 'HTTP_METHOD_NOT_ALLOWED',
    everyOperation: false,
    description:
      'Problem details: HTTP_METHOD_NOT_ALLOWED. The path has no operation for the method, ' +
      'or the method is CONNECT; `Allow` lists the methods the path has.',
    allow: true,
  },
  RequestTimeout: {
    status: 408,
    code: 'HTTP_REQUEST_TIMEOUT',
    everyOperation: true,
    description:
      'Problem details: HTTP_REQUEST_TIMEOUT. The headers took over 20 seconds to arrive, or ' +
      'the whole request over 60; answered only on a connection that has had no response yet.',
  },
  ExpectationFailed: {
    status: 417,
    code: 'HTTP_EXPECTATION_FAILED',
    everyOperation: true,
    description:
      'Problem details: HTTP_EXPECTATION_FAILED. The HTTP/1.1 request has an `Expect` field ' +
      'other than exactly `100-continue`; the connection closes after it.',
  },
  TransferCodingNotImplemented: {
    status: 501,
    code: 'HTTP_NOT_IMPLEMENTED',
    everyOperation: true,
    description:
      'Problem details: HTTP_NOT_IMPLEMENTED. The request body has a transfer coding before ' +
      '`chunked` (`gzip, chunked`, RFC 9112 §6.1); the connection closes after it. One not ' +
      'ending in `chunked` is refused 400.',
  },
  HeadersTooLarge: {
    status: 431,
    code: 'HTTP_HEADERS_TOO_LARGE',
    everyOperation: true,
    description:
      'Problem details: HTTP_HEADERS_TOO_LARGE. The request headers are over 16 KB; answered ' +
      'only on a connection that has had no response yet.',
  },
};

function registerHostResponses(registry: OpenAPIRegistry): void {
  for (const [name, host] of Object.entries(HOST_RESPONSES)) {
    const allow = {
      Allow: {
        required: true,
        description: 'The methods the path has',
        schema: { type: 'string' } as const,
      },
    };
    registry.registerComponent('responses', name, {
      description: host.description,
      headers: { 'X-Correlation-Id': CORRELATION_ID_HEADER, ...(host.allow ? allow : {}) },
      content: { 'application/problem+json': { schema: PROBLEM_REF } },
    });
  }
}

/**
 * Codes the host and the pipeline may answer for any request to a function of this shape. Every
 * request: a malformed request or a repeated query parameter (400), a foreign origin (403), a
 * declared body over the limit (413), the address's rate limit (429), a failure (500), services
 * or the audit trail down (503). A 404 is not among them: a path no route takes is no operation's
 * (see `HOST_RESPONSES`), and a record that is not there is the operation's own code.
 */
function pipelineCodes(definition: HttpFunctionDefinition, isPublic: boolean): ErrorCode[] {
  const codes: ErrorCode[] = [
    'HTTP_MALFORMED_REQUEST',
    'VALIDATION_FAILED',
    'HTTP_CORS_ORIGIN_DENIED',
    'HTTP_BODY_TOO_LARGE',
    'HTTP_RATE_LIMITED',
    'INTERNAL',
    'STORE_UNAVAILABLE',
    'AUDIT_UNAVAILABLE',
  ];
  if (API_VERSIONS[versionOf(definition.route) ?? '']?.state === 'retired') {
    codes.push('HTTP_VERSION_RETIRED');
  }
  if (!isPublic) {
    codes.push('AUTH_TOKEN_MISSING', 'AUTH_TOKEN_INVALID', 'AUTH_FORBIDDEN', 'AUTH_UNAVAILABLE');
  }
  if (definition.body !== undefined) codes.push('HTTP_UNSUPPORTED_MEDIA_TYPE', 'HTTP_INVALID_JSON');
  return codes;
}

/**
 * One problem+json response per status the function may answer with an error: the host's and
 * the pipeline's, and those of the codes the definition declares; the description names every
 * code. The host's refusals of any request whatever its route (408, 417, 431, 501) are
 * references.
 */
function problemResponses(
  definition: HttpFunctionDefinition,
  isPublic: boolean,
): Record<string, ResponseEntry> {
  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const code of [...pipelineCodes(definition, isPublic), ...(definition.errorCodes ?? [])]) {
    const status = ERROR_STATUS[code];
    const codes = codesByStatus.get(status) ?? [];
    if (!codes.includes(code)) codesByStatus.set(status, [...codes, code]);
  }
  const responses: Record<string, ResponseEntry> = {};
  for (const [status, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Problem details: ${codes.join(', ')}`,
      headers: ERROR_HEADERS[status] ?? z.object(COMMON_HEADERS),
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  for (const [name, host] of Object.entries(HOST_RESPONSES)) {
    if (host.everyOperation) {
      responses[String(host.status)] = { $ref: `#/components/responses/${name}` };
    }
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
  registerHostResponses(registry);
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
      description:
        `Problem types: ${problemType('INTERNAL').replace('internal', '<code>')}, the code ` +
        `in lower case with dashes for underscores (code VALIDATION_FAILED, type ` +
        `${problemType('VALIDATION_FAILED')}); the \`code\` member carries the code itself. ` +
        'Each error response names the codes it may carry. The host answers a path no ' +
        'operation has (components/responses/RouteNotFound, 404) and a method a path lacks ' +
        '(MethodNotAllowed, 405) before any operation runs.',
    },
    servers: [{ url: info.serverUrl }],
  });
  return document as unknown as Record<string, unknown>;
}
