import type { Kysely } from 'kysely';

import type { Database } from '../../../shared/db/schema.js';
import type { SqlDialectFeatures } from '../../../shared/db/sql-dialect-features.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { resourceColumns } from './resource-columns.js';

/**
 * The query of {@link getRecord}: one record by id, built once for both dialects. It carries no
 * division condition: run it inside `withScope`, where row-level security adds one.
 */
export function buildGetQuery<T extends { id: number }, Q extends ListQueryBase>(
  db: Kysely<Database>,
  dialect: SqlDialectFeatures,
  resource: DataResource<T, Q>,
  id: number,
) {
  return db
    .selectFrom(resource.table)
    .select(resourceColumns(resource, dialect))
    .where('id', '=', id);
}
