import type { ZodObject, ZodType } from 'zod';

import type { Permission } from '../auth/roles.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import type { ErrorCode } from '../errors/error-codes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The status a successful call answers. */
export type SuccessStatus = 200 | 201 | 202 | 204;

/** Who may call a function: one permission, or explicitly anyone. There is no third option. */
export type Access = { readonly permission: Permission } | { readonly public: true };

/** What an HTTP operation receives once the pipeline has authenticated and validated the call. */
export interface HttpOperationInput<TParams, TQuery, TBody> {
  /** Undefined only on public functions. */
  readonly principal: VerifiedPrincipal | undefined;
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
  /** Request headers by lower-case name, for conditional and idempotent requests. */
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

/** What an HTTP operation returns; the pipeline serialises it and adds the shared headers. */
export interface HttpOperationResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Content type when not JSON (the OIDC documents and health are JSON too). */
  readonly contentType?: string;
  /** The resource the call touched, for the request's audit event (an id, never a value). */
  readonly auditResource?: string;
}

export interface HttpFunctionDefinition<TParams = unknown, TQuery = unknown, TBody = unknown> {
  /** `<capability>-<verb>-<noun>`: the Application Insights operation name. */
  readonly name: string;
  readonly capability: string;
  /** Route below `/api`, Functions syntax: `v1/awards/{id}`. */
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly access: Access;
  readonly summary: string;
  readonly params?: ZodType<TParams>;
  readonly query?: ZodType<TQuery>;
  readonly body?: ZodType<TBody>;
  /** Response body schema, for the OpenAPI description only. */
  readonly response?: ZodType;
  /**
   * The record a call names, from its valid path parameters, as its audit events name it. For a
   * call refused before its operation named a record; the path without its version otherwise.
   */
  readonly auditTarget?: (params: TParams) => string | undefined;
  /**
   * The status of a success: 200 unless stated. The pipeline answers it when the operation's
   * result names none, and the OpenAPI description documents it as the one success.
   */
  readonly successStatus?: SuccessStatus;
  /**
   * Request headers the operation reads, keyed by name as clients write it (`If-Match`), for the
   * OpenAPI description; a header that is not optional is documented as required. The pipeline
   * does not validate them: the operation reads and refuses them with its own codes.
   */
  readonly requestHeaders?: ZodObject;
  /** Headers of a successful response, keyed by name, for the OpenAPI description. */
  readonly responseHeaders?: ZodObject;
  /**
   * Error codes the operation itself answers, beyond those the pipeline answers for every
   * function; the OpenAPI description lists each under its status.
   */
  readonly errorCodes?: readonly ErrorCode[];
  /** Served by the local host only; never registered with the Azure Functions host. */
  readonly localOnly?: boolean;
  /** Largest accepted body in bytes; defaults to the configured limit. */
  readonly maxBodyBytes?: number;
  readonly handler: (
    input: HttpOperationInput<TParams, TQuery, TBody>,
  ) => Promise<HttpOperationResult>;
}

/** Who asked for a timer run on demand, for the run's own audit events. */
export interface TimerRunRequest {
  /** The caller's principal id. */
  readonly actor: string;
  /** The correlation id of the request that asked for the run. */
  readonly correlationId: string;
}

export interface TimerFunctionDefinition {
  readonly name: string;
  readonly capability: string;
  /** NCRONTAB with seconds, as the Functions host reads it. */
  readonly schedule: string;
  readonly runOnStartup?: boolean;
  /** `requested` is set for a run asked for on demand; a scheduled run has none. */
  readonly handler: (requested?: TimerRunRequest) => Promise<void>;
}

export interface QueueFunctionDefinition {
  readonly name: string;
  readonly capability: string;
  readonly queueName: string;
  readonly handler: (
    message: unknown,
    meta: { messageId: string; deliveryCount: number },
  ) => Promise<void>;
}

const httpFunctions: HttpFunctionDefinition[] = [];
const timerFunctions: TimerFunctionDefinition[] = [];
const queueFunctions: QueueFunctionDefinition[] = [];

const NAME_PATTERN = /^[a-z]+-[a-z]+(-[a-z]+)*$/;

function assertUniqueName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`Function name "${name}" must read <capability>-<verb>-<noun>`);
  }
  const all = [...httpFunctions, ...timerFunctions, ...queueFunctions];
  if (all.some((fn) => fn.name === name)) {
    throw new Error(`Function "${name}" is registered twice`);
  }
}

/**
 * Records an HTTP function definition. The Azure adapter and the local host both read this list.
 *
 * > [!WARNING]
 * > A definition without an `access` of either kind is refused here, at cold start: deny by
 * > default means a function that forgot its permission never serves a request.
 */
export function addHttpFunction<P, Q, B>(definition: HttpFunctionDefinition<P, Q, B>): void {
  const access: unknown = definition.access;
  const isDeclared =
    typeof access === 'object' &&
    access !== null &&
    (('permission' in access && typeof access.permission === 'string') ||
      ('public' in access && access.public === true));
  if (!isDeclared) {
    throw new Error(`Function "${definition.name}" declares no permission and is not public`);
  }
  assertUniqueName(definition.name);
  httpFunctions.push(definition as unknown as HttpFunctionDefinition);
}

export function addTimerFunction(definition: TimerFunctionDefinition): void {
  assertUniqueName(definition.name);
  timerFunctions.push(definition);
}

export function addQueueFunction(definition: QueueFunctionDefinition): void {
  assertUniqueName(definition.name);
  queueFunctions.push(definition);
}

export function listHttpFunctions(): readonly HttpFunctionDefinition[] {
  return httpFunctions;
}

export function listTimerFunctions(): readonly TimerFunctionDefinition[] {
  return timerFunctions;
}

export function listQueueFunctions(): readonly QueueFunctionDefinition[] {
  return queueFunctions;
}
