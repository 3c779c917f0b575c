import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { DataDeps } from '../data-deps.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { redactItem } from '../redact-item.js';
import { formatRowVersionEtag } from '../writes/row-version-etag.js';
import { buildGetQuery } from './build-get-query.js';

/** One record as the caller may read it, and the `ETag` of its version when it has one. */
export interface ReadRecord<T> {
  readonly item: Partial<T>;
  /** Versioned resources on the Postgres store only (see `DataResource.versioned`). */
  readonly etag: string | undefined;
}

/**
 * Reads one record by id within the caller's divisions, redacted to the caller's clearance.
 *
 * @throws AppError DATA_NOT_FOUND (404) when no such record exists or it belongs to a division
 * the caller does not hold; the two are indistinguishable by design. AppError
 * STORE_UNAVAILABLE when the store is down.
 */
export async function getRecord<T extends { id: number }, Q extends ListQueryBase>(
  deps: Pick<DataDeps, 'db'>,
  principal: VerifiedPrincipal,
  input: { readonly resource: DataResource<T, Q>; readonly id: number },
): Promise<ReadRecord<T>> {
  const { resource, id } = input;
  const { dialect } = deps.db;
  const found: Record<string, unknown> | undefined = await deps.db.withScope(principal, (trx) =>
    buildGetQuery(trx, dialect, resource, id).executeTakeFirst(),
  );
  if (found === undefined) {
    throw new AppError('DATA_NOT_FOUND', `${resource.noun} record not found`);
  }
  // Present only when `buildGetQuery` read it (a versioned resource on Postgres).
  const { row_version: rowVersion, ...row } = found;
  const item = resource.toItem(resource.row.parse(dialect.decodeRow(resource.table, row)));
  const etag = typeof rowVersion === 'number' ? formatRowVersionEtag(id, rowVersion) : undefined;
  return { item: redactItem(item, resource.fields, principal.clearance), etag };
}
