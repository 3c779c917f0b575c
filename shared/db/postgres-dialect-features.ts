import { DynamicModule, sql, type SqlBool } from 'kysely';

import type { SqlDialectFeatures, SqlValueType } from './sql-dialect-features.js';

const CAST: Record<SqlValueType, string> = {
  integer: 'integer',
  numeric: 'numeric',
  date: 'date',
  text: 'text',
};

const dynamic = new DynamicModule();

/**
 * Postgres: full-text search on the generated `search` tsvector with `plainto_tsquery` (words
 * only, English stemming), arrays for multi-valued columns, and rows as `pg` reads them.
 */
export const postgresDialectFeatures: SqlDialectFeatures = {
  name: 'postgres',
  matchesText: (searchColumn, text) =>
    sql<SqlBool>`${sql.ref(searchColumn)} @@ plainto_tsquery('english', ${text})`,
  castType: (type) => sql.raw(CAST[type]),
  hasElement: (column, value) => sql<SqlBool>`${value} = ANY (${sql.ref(column)})`,
  readColumn: (_table, column) => dynamic.ref(column),
  decodeRow: (_table, row) => row,
};
