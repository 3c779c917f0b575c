import { ZodObject, type ZodType } from 'zod';

import type { VerifiedPrincipal } from '../../shared/auth/principal.js';
import { classificationRank } from '../../shared/auth/roles.js';
import { AppError } from '../../shared/errors/app-error.js';
import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import type { DataResource, ListQueryBase } from './data-resource.js';
import { pageSchema, RecordIdParamsSchema } from './list-query-schema.js';
import { redactedItemSchema } from './redacted-item-schema.js';
import { VersionedReadHeadersSchema } from './writes/write-contract.js';

/** The principal of a protected function; the pipeline guarantees one, this narrows the type. */
export function assertPrincipal(principal: VerifiedPrincipal | undefined): VerifiedPrincipal {
  if (principal === undefined) throw new AppError('AUTH_TOKEN_MISSING', 'no principal');
  return principal;
}

/**
 * Refuses query parameters that read CONFIDENTIAL data to a caller not cleared for it: full-text
 * `q` (the text vectors include fields such as a recipient's UEI) and the resource's
 * CONFIDENTIAL filters.
 */
function assertQueryWithinClearance(
  principal: VerifiedPrincipal,
  query: object,
  confidentialFilters: readonly string[],
): void {
  const cleared =
    principal.clearance !== undefined &&
    classificationRank(principal.clearance) >= classificationRank('CONFIDENTIAL');
  const used = ['q', ...confidentialFilters].filter(
    (name) => (query as Record<string, unknown>)[name] !== undefined,
  );
  if (!cleared && used.length > 0) {
    throw new AppError('AUTH_FORBIDDEN', 'query parameter above clearance', {
      publicMessage: 'Text search and CONFIDENTIAL-field filters need EDS.Analyst or higher.',
      details: {
        reason: 'clearance',
        issues: used.map((path) => ({ location: 'query', path, rule: 'clearance' })),
      },
    });
  }
}

/**
 * The list's query schema with `q` and the CONFIDENTIAL filters described as needing that
 * clearance (`x-eds-clearance`), as `assertQueryWithinClearance` enforces; otherwise the same.
 */
function withClearanceNoted<Q>(
  query: ZodType<Q>,
  confidentialFilters: readonly string[],
): ZodType<Q> {
  // A list query is an object of parameters (`listQuerySchema`); anything else is a wiring fault.
  if (!(query instanceof ZodObject)) throw new Error('A list query schema must be a Zod object');
  const shape = query.shape as Record<string, ZodType | undefined>;
  const noted = Object.fromEntries(
    ['q', ...confidentialFilters].flatMap((name) => {
      const field = shape[name];
      if (field === undefined) return [];
      const meta = {
        'x-eds-clearance': 'CONFIDENTIAL',
        description: 'Needs EDS.Analyst or higher (CONFIDENTIAL clearance); 403 otherwise.',
      };
      return [[name, field.meta(meta)]];
    }),
  );
  return query.extend(noted) as unknown as ZodType<Q>;
}

/** An item as a write answers it: the fields a writer's clearance covers. */
export function writtenItemSchema<T extends { id: number }, Q extends ListQueryBase>(
  resource: DataResource<T, Q>,
): ZodObject {
  const item = resource.item as unknown as ZodObject;
  return redactedItemSchema(item, resource.fields, 'records:write');
}

/** An item as a list or a read by id answers it: the fields a reader's clearance covers. */
function readItemSchema<T extends { id: number }, Q extends ListQueryBase>(
  resource: DataResource<T, Q>,
): ZodObject {
  const item = resource.item as unknown as ZodObject;
  return redactedItemSchema(item, resource.fields, 'records:read', resource.itemId);
}

interface DataFunctionOptions<T extends { id: number }, Q extends ListQueryBase> {
  /** `data-list-awards`: the Application Insights operation name. */
  readonly name: string;
  /** `v1/awards`. */
  readonly route: string;
  readonly summary: string;
  readonly resource: DataResource<T, Q>;
}

/**
 * Registers `GET <route>`: a page of the resource in the caller's divisions, fields redacted to
 * the caller's clearance. Requires `records:read`.
 */
export function defineListFunction<T extends { id: number }, Q extends ListQueryBase>(
  options: DataFunctionOptions<T, Q> & { readonly query: ZodType<Q>; readonly pageId: string },
): void {
  const { resource } = options;
  defineHttpFunction({
    name: options.name,
    capability: 'data',
    route: options.route,
    methods: ['GET'],
    access: { permission: 'records:read' },
    summary: options.summary,
    query: withClearanceNoted(options.query, resource.confidentialFilters ?? []),
    response: pageSchema(readItemSchema(resource), options.pageId),
    handler: async ({ principal, query }) => {
      const services = await getServices();
      // Operations load on first call, not at cold start: the query builder is heavy to import.
      const { listRecords } = await import('./operations/list-records.js');
      const caller = assertPrincipal(principal);
      assertQueryWithinClearance(caller, query, resource.confidentialFilters ?? []);
      const page = await listRecords(services, caller, { resource, query });
      return { body: page, auditResource: resource.noun };
    },
  });
}

/**
 * Registers `GET <route>/{id}`: one record in the caller's divisions, or 404 DATA_NOT_FOUND
 * (also for records in other divisions). Requires `records:read`.
 */
export function defineGetFunction<T extends { id: number }, Q extends ListQueryBase>(
  options: DataFunctionOptions<T, Q>,
): void {
  const { resource } = options;
  defineHttpFunction({
    name: options.name,
    capability: 'data',
    route: options.route,
    methods: ['GET'],
    access: { permission: 'records:read' },
    summary: options.summary,
    params: RecordIdParamsSchema,
    response: readItemSchema(resource),
    ...(resource.versioned === true ? { responseHeaders: VersionedReadHeadersSchema } : {}),
    errorCodes: ['DATA_NOT_FOUND'],
    handler: async ({ principal, params }) => {
      const services = await getServices();
      const { getRecord } = await import('./operations/get-record.js');
      const { item, etag } = await getRecord(services, assertPrincipal(principal), {
        resource,
        id: params.id,
      });
      return {
        body: item,
        ...(etag === undefined ? {} : { headers: { ETag: etag } }),
        auditResource: `${resource.noun}/${params.id}`,
      };
    },
  });
}
