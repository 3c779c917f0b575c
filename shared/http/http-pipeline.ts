import { randomUUID } from 'node:crypto';

import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { AuditEvent, AuditOutcome } from '../audit/audit-event.js';
import { hasPermission, type VerifiedPrincipal } from '../auth/principal.js';
import { STORE_RETRY_AFTER_SECONDS } from '../db/store-outage.js';
import { AppError } from '../errors/app-error.js';
import { errorCodeOf } from '../errors/error-code.js';
import { errorNameOf } from '../errors/error-name.js';
import { createLogger } from '../logging/logger.js';
import {
  listHttpFunctions,
  type HttpFunctionDefinition,
  type HttpMethod,
  type HttpOperationResult,
} from '../registry/function-registry.js';
import { getServices, type Services } from '../runtime/services.js';
import { addressBucketOf } from './address-bucket.js';
import { clientAddressOf, recordedAddressOf } from './client-address.js';
import { API_VERSIONS, versionHeaders, versionOf } from './api-versions.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import {
  assertBodyEnvelope,
  parsePart,
  pickHandlerHeaders,
  readJsonBody,
  readQuery,
} from './request-input.js';
import { SECURITY_HEADERS, corsHeaders, isOriginAllowed } from './response-headers.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

interface Outcome {
  readonly status: number;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
  readonly error: AppError | undefined;
  readonly resource: string | undefined;
}

/** A path parameter plain enough to name a record in the trail (an id, a code). */
const PLAIN_PARAM = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * What a request that failed before its operation named a record aimed at, named as a success
 * names it: the definition's `auditTarget`, else the route's path with its parameters filled in
 * and the version dropped (`vendors/41`). Only parameters that pass the route's own schema and
 * are plain ids are written; otherwise nothing.
 */
function targetOf(definition: HttpFunctionDefinition, request: HttpRequest): string | undefined {
  if (definition.params === undefined) return undefined;
  const parsed = definition.params.safeParse({ ...request.params });
  if (!parsed.success || typeof parsed.data !== 'object' || parsed.data === null) return undefined;
  const values = parsed.data as Record<string, unknown>;
  if (!Object.values(values).every((value) => PLAIN_PARAM.test(String(value)))) return undefined;
  if (definition.auditTarget !== undefined) return definition.auditTarget(parsed.data);
  return definition.route
    .replace(/^v\d+\//, '')
    .replace(/\{([^}]+)\}/g, (_, name: string) => String(values[name]));
}

function bearerTokenOf(request: HttpRequest): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  // The scheme name is case-insensitive (RFC 9110 §11.1); the token's class has both cases anyway.
  // One or more spaces before the token (RFC 6750 §2.1: `"Bearer" 1*SP b64token`).
  const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new AppError('AUTH_TOKEN_INVALID', 'authorization header malformed', {
      details: { reason: 'malformed_authorization' },
    });
  }
  return match[1];
}

async function authenticate(request: HttpRequest, services: Services): Promise<VerifiedPrincipal> {
  const token = bearerTokenOf(request);
  if (token === undefined) {
    throw new AppError('AUTH_TOKEN_MISSING', 'no bearer token', { details: { reason: 'missing' } });
  }
  return services.verifier.verify(token);
}

function takeRate(services: Services, key: string, limit: number): void {
  const decision = services.rateLimiter.take(key, limit);
  if (!decision.allowed) {
    throw new AppError('HTTP_RATE_LIMITED', 'rate limit exceeded', {
      details: { retryAfterSeconds: decision.retryAfterSeconds, reason: 'rate_limited' },
    });
  }
}

function errorHeaders(error: AppError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.code === 'AUTH_TOKEN_MISSING') headers['WWW-Authenticate'] = 'Bearer realm="eds"';
  if (error.code === 'AUTH_TOKEN_INVALID') {
    headers['WWW-Authenticate'] = 'Bearer realm="eds", error="invalid_token"';
  }
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return headers;
}

function outcomeOf(status: number): AuditOutcome {
  if (status === 401 || status === 403 || status === 429) return 'denied';
  return status >= 400 ? 'failure' : 'success';
}

const DENIAL_REASON: Partial<Record<AppError['code'], string>> = {
  AUTH_TOKEN_MISSING: 'token_missing',
  AUTH_TOKEN_INVALID: 'token_invalid',
  AUTH_FORBIDDEN: 'permission_missing',
  HTTP_RATE_LIMITED: 'rate_limited',
  HTTP_CORS_ORIGIN_DENIED: 'origin_denied',
};

/**
 * Wraps an operation in the request pipeline: the per-address rate limit, a retired version,
 * CORS, size and type, authentication, authorisation, the per-principal rate limit, validation,
 * the operation, response headers, and one audit event per request (a denial adds a second; an
 * answered CORS preflight has none).
 *
 * > [!WARNING]
 * > This is the only place a request becomes a principal. Operations never see the
 * > Authorization header, and identity never comes from a body, query or other header.
 */
export function createHttpHandler(definition: HttpFunctionDefinition): Handler {
  const permission = 'permission' in definition.access ? definition.access.permission : undefined;
  const versionState = API_VERSIONS[versionOf(definition.route) ?? ''];
  const expectsJson = definition.body !== undefined;
  let routeMethods: readonly HttpMethod[] | undefined;
  // Several functions may share a route (GET and POST /v1/vendors); a preflight answers for all.
  const methodsOfRoute = (): readonly HttpMethod[] =>
    (routeMethods ??= [
      ...new Set([
        // Its own first: a host route outside the registry (the admin endpoint) has only these.
        ...definition.methods,
        ...listHttpFunctions()
          .filter((candidate) => candidate.route === definition.route)
          .flatMap((candidate) => candidate.methods),
      ]),
    ]);

  async function run(
    request: HttpRequest,
    services: Services,
    correlationId: string,
    address: string,
    setPrincipal: (principal: VerifiedPrincipal) => void,
  ): Promise<HttpOperationResult> {
    const { config } = services;
    const maxBytes = definition.maxBodyBytes ?? config.maxBodyBytes;
    // First of all: every request an address sends counts, refused ones too, so a flood of
    // refusals (a foreign origin, a retired version) is cut off like any other.
    takeRate(services, `addr:${addressBucketOf(address)}`, config.rateLimit.perAddress);
    if (versionState?.state === 'retired') {
      throw new AppError('HTTP_VERSION_RETIRED', 'version retired');
    }
    if (!isOriginAllowed(request.headers.get('origin'), config.corsOrigins)) {
      throw new AppError('HTTP_CORS_ORIGIN_DENIED', 'origin not allowed', {
        details: { reason: 'origin_denied' },
      });
    }
    if (request.method === 'OPTIONS') return { status: 204 };
    assertBodyEnvelope(request, expectsJson, maxBytes);
    let principal: VerifiedPrincipal | undefined;
    if (permission !== undefined) {
      principal = await authenticate(request, services);
      setPrincipal(principal);
      if (!hasPermission(principal, permission)) {
        throw new AppError('AUTH_FORBIDDEN', 'permission missing', {
          details: { reason: 'permission_missing' },
        });
      }
      takeRate(services, `principal:${principal.id}`, config.rateLimit.perPrincipal);
    }
    const params = parsePart('params', definition.params, { ...request.params });
    const query = parsePart('query', definition.query, readQuery(request));
    const rawBody = expectsJson ? await readJsonBody(request, maxBytes) : undefined;
    const body = parsePart('body', definition.body, rawBody);
    return definition.handler({
      principal,
      params,
      query,
      body,
      headers: pickHandlerHeaders(request),
      correlationId,
    });
  }

  function toOutcome(result: HttpOperationResult): Outcome {
    const body = result.body === undefined ? undefined : JSON.stringify(result.body);
    const headers: Record<string, string> = { ...result.headers };
    if (body !== undefined) headers['Content-Type'] = result.contentType ?? JSON_CONTENT_TYPE;
    return {
      status: result.status ?? definition.successStatus ?? 200,
      body,
      headers,
      error: undefined,
      resource: result.auditResource,
    };
  }

  function toErrorOutcome(thrown: unknown, correlationId: string, request?: HttpRequest): Outcome {
    const { problem, error } = toProblem(thrown, correlationId);
    return {
      status: problem.status,
      body: JSON.stringify(problem),
      headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...errorHeaders(error) },
      error,
      resource:
        error.details.resource ??
        (request === undefined ? undefined : targetOf(definition, request)),
    };
  }

  async function audit(
    services: Services,
    request: HttpRequest,
    principal: VerifiedPrincipal | undefined,
    outcome: Outcome,
    correlationId: string,
    clientAddress: string,
  ): Promise<void> {
    const base = {
      actor: principal?.id ?? 'anonymous',
      correlationId,
      outcome: outcomeOf(outcome.status),
      clientAddress,
    } as const;
    const events: AuditEvent[] = [
      {
        ...base,
        type: 'http.request',
        function: definition.name,
        method: request.method,
        route: definition.route,
        permission: permission ?? 'public',
        status: outcome.status,
        ...(outcome.resource === undefined ? {} : { resource: outcome.resource }),
        ...(outcome.error === undefined ? {} : { errorCode: outcome.error.code }),
      },
    ];
    const denial = outcome.error === undefined ? undefined : DENIAL_REASON[outcome.error.code];
    if (denial !== undefined) {
      events.push({
        ...base,
        type: 'auth.denied',
        function: definition.name,
        permission: permission ?? 'public',
        reason: denial,
      });
    }
    for (const event of events) await services.audit.append(event);
  }

  return async (request, context) => {
    const started = performance.now();
    const correlationId = randomUUID();
    let services: Services;
    try {
      services = await getServices();
    } catch (cause) {
      logServicesUnavailable(context, definition, correlationId, cause);
      const unavailable = new AppError('STORE_UNAVAILABLE', 'services unavailable', {
        cause,
        details: { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
      });
      const outcome = toErrorOutcome(unavailable, correlationId);
      return {
        status: outcome.status,
        body: outcome.body,
        headers: { ...SECURITY_HEADERS, ...outcome.headers, 'X-Correlation-Id': correlationId },
      };
    }
    const address = clientAddressOf(request, services.config.rateLimit.trustedProxyHops);
    const clientAddress = recordedAddressOf(address);
    let principal: VerifiedPrincipal | undefined;
    let outcome: Outcome;
    try {
      const result = await run(request, services, correlationId, address, (p) => (principal = p));
      outcome = toOutcome(result);
    } catch (thrown) {
      outcome = toErrorOutcome(thrown, correlationId, request);
    }
    const isPreflight = request.method === 'OPTIONS' && outcome.error === undefined;
    if (!isPreflight) {
      try {
        await audit(services, request, principal, outcome, correlationId, clientAddress);
      } catch (cause) {
        // AU-5: when the request cannot be audited it is not answered with its result.
        outcome = toErrorOutcome(
          new AppError('AUDIT_UNAVAILABLE', 'audit append failed', {
            cause,
            details: { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
          }),
          correlationId,
        );
      }
    }
    logRequest(services, context, request, definition, principal, outcome, {
      correlationId,
      clientAddress,
      started,
    });
    return {
      status: outcome.status,
      ...(outcome.body === undefined ? {} : { body: outcome.body }),
      headers: {
        ...SECURITY_HEADERS,
        ...corsHeaders(
          request.headers.get('origin'),
          services.config.corsOrigins,
          methodsOfRoute(),
        ),
        ...versionHeaders(versionState),
        ...outcome.headers,
        'X-Correlation-Id': correlationId,
      },
    };
  };
}

/**
 * Logs that the instance's services could not be built (configuration, store, Key Vault): the
 * error's code and class only, since its message can quote a setting. Without services there is
 * no configured logger, so the line goes through the invocation's own log.
 */
function logServicesUnavailable(
  context: InvocationContext,
  definition: HttpFunctionDefinition,
  correlationId: string,
  cause: unknown,
): void {
  const logger = createLogger('error', (line) => context.error(line));
  logger.error('http.services_unavailable', {
    invocationId: context.invocationId,
    correlationId,
    function: definition.name,
    code: errorCodeOf(cause),
    errorName: errorNameOf(cause),
  });
}

/** Errors a request is logged with as a failure of the service (error), not of the caller. */
const LOGGED_AS_FAILURE: ReadonlySet<AppError['code']> = new Set([
  'INTERNAL',
  'AUDIT_UNAVAILABLE',
  'AUTH_UNAVAILABLE',
]);

function logRequest(
  services: Services,
  context: InvocationContext,
  request: HttpRequest,
  definition: HttpFunctionDefinition,
  principal: VerifiedPrincipal | undefined,
  outcome: Outcome,
  meta: { readonly correlationId: string; readonly clientAddress: string; started: number },
): void {
  const { correlationId, clientAddress, started } = meta;
  const fields = {
    invocationId: context.invocationId,
    correlationId,
    clientAddress,
    function: definition.name,
    method: request.method,
    route: definition.route,
    status: outcome.status,
    durationMs: Math.round(performance.now() - started),
    principalId: principal?.id,
    code: outcome.error?.code,
    reason: outcome.error?.details.reason,
    errorName: outcome.error?.code === 'INTERNAL' ? errorNameOf(outcome.error.cause) : undefined,
  };
  if (outcome.error !== undefined && LOGGED_AS_FAILURE.has(outcome.error.code)) {
    services.logger.error('http.request_failed', fields);
  } else if (outcome.error !== undefined && outcome.status === 401) {
    services.logger.warn('auth.token_rejected', fields);
  } else {
    services.logger.info('http.request', fields);
  }
}
