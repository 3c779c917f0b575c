import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { DataDeps } from '../data-deps.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { redactItem } from '../redact-item.js';
import { buildGetQuery } from './build-get-query.js';

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
): Promise<Partial<T>> {
  const { resource, id } = input;
  const { dialect } = deps.db;
  const row = await deps.db.withScope(principal, (trx) =>
    buildGetQuery(trx, dialect, resource, id).executeTakeFirst(),
  );
  if (row === undefined) {
    throw new AppError('DATA_NOT_FOUND', `${resource.noun} record not found`);
  }
  const item = resource.toItem(resource.row.parse(dialect.decodeRow(resource.table, row)));
  return redactItem(item, resource.fields, principal.clearance);
}
