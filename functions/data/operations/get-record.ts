import { sql } from 'kysely';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { DataDeps } from '../data-deps.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { redactItem } from '../redact-item.js';

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
  const columns = sql.join(Object.keys(resource.row.shape).map((name) => sql.ref(name)));
  const rows = await deps.db.withScope(principal, async (trx) => {
    const result = await sql<unknown>`
      SELECT ${columns} FROM ${sql.table(resource.table)} WHERE id = ${id}`.execute(trx);
    return result.rows;
  });
  if (rows[0] === undefined) {
    throw new AppError('DATA_NOT_FOUND', `${resource.noun} record not found`);
  }
  const item = resource.toItem(resource.row.parse(rows[0]));
  return redactItem(item, resource.fields, principal.clearance);
}
