import { sql, type Kysely } from 'kysely';

import type { Database } from '../../../shared/db/schema.js';
import type { SqlDialectFeatures } from '../../../shared/db/sql-dialect-features.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { resourceColumns } from './resource-columns.js';

/**
 * Whether a read of `resource` also returns its row version: a versioned table on the Postgres
 * store (the SQL Server migrations do not carry `row_version` yet).
 */
function readsRowVersion(
  resource: Pick<DataResource<{ id: number }, ListQueryBase>, 'versioned'>,
  dialect: SqlDialectFeatures,
): boolean {
  return resource.versioned === true && dialect.name === 'postgres';
}

/**
 * The query of {@link getRecord}: one record by id, built once for both dialects, with its
 * `row_version` when {@link readsRowVersion}. It carries no division condition: run it inside
 * `withScope`, where row-level security adds one.
 */
export function buildGetQuery<T extends { id: number }, Q extends ListQueryBase>(
  db: Kysely<Database>,
  dialect: SqlDialectFeatures,
  resource: DataResource<T, Q>,
  id: number,
) {
  const query = db
    .selectFrom(resource.table)
    .select(resourceColumns(resource, dialect))
    .where('id', '=', id);
  return readsRowVersion(resource, dialect)
    ? query.select(sql<number>`row_version`.as('row_version'))
    : query;
}
