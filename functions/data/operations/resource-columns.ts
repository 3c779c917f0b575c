import type { SelectExpression } from 'kysely';

import type { Database } from '../../../shared/db/schema.js';
import type { SqlDialectFeatures } from '../../../shared/db/sql-dialect-features.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';

/** The select list of a resource: the columns its row schema parses, read as the dialect needs. */
export function resourceColumns<T extends { id: number }, Q extends ListQueryBase>(
  resource: DataResource<T, Q>,
  dialect: SqlDialectFeatures,
): SelectExpression<Database, keyof Database>[] {
  return Object.keys(resource.row.shape).map((name) => dialect.readColumn(resource.table, name));
}
