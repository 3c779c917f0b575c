import { DynamicModule, sql, type SqlBool } from 'kysely';

import type { SqlDialectFeatures, SqlValueType } from '../sql-dialect-features.js';
import { MSSQL_COLUMN_READS } from './mssql-column-reads.js';
import { toContainsCondition } from './to-contains-condition.js';

// Text columns are nvarchar in the SQL Server schema, so a bound nvarchar compares (and sorts)
// under the column's own collation; a varchar column would be converted and lose its index.
const CAST: Record<SqlValueType, string> = {
  integer: 'int',
  numeric: 'decimal(20, 4)',
  date: 'date',
  text: 'nvarchar(500)',
};

const dynamic = new DynamicModule();

function parseJsonArray(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Left as text: the resource's row schema then rejects the row instead of guessing.
    return value;
  }
}

/**
 * SQL Server: full-text `CONTAINS` on the persisted `search` column with the words of the text
 * as one bound condition, JSON arrays for multi-valued columns, dates read as `YYYY-MM-DD`
 * (style 23) and decimals read as strings so that rows match the Postgres driver's.
 *
 * LIMITATION: SQL Server's word breaker, inflections and collation are not Postgres's English
 * configuration and C ordering, so `q` matches and text sorts can differ at the edges between
 * the two stores (each store's paging stays consistent with its own ordering).
 */
export const mssqlDialectFeatures: SqlDialectFeatures = {
  name: 'mssql',
  matchesText: (searchColumn, text) => {
    const condition = toContainsCondition(text);
    return condition === undefined
      ? sql<SqlBool>`1 = 0`
      : sql<SqlBool>`CONTAINS(${sql.ref(searchColumn)}, ${condition})`;
  },
  castType: (type) => sql.raw(CAST[type]),
  hasElement: (column, value) =>
    sql<SqlBool>`EXISTS (SELECT 1 FROM OPENJSON(${sql.ref(column)}) WHERE [value] = ${value})`,
  readColumn: (table, column) => {
    switch (MSSQL_COLUMN_READS[table]?.[column]) {
      case 'date':
        return sql<string>`CONVERT(char(10), ${sql.ref(column)}, 23)`.as(column);
      case 'decimal':
        return sql<string>`CONVERT(varchar(40), ${sql.ref(column)})`.as(column);
      case 'json-array':
      case undefined:
        return dynamic.ref(column);
    }
  },
  decodeRow: (table, row) => {
    const reads = MSSQL_COLUMN_READS[table];
    if (reads === undefined) return row;
    const decoded = { ...row };
    for (const [column, read] of Object.entries(reads)) {
      if (read === 'json-array' && column in decoded) {
        decoded[column] = parseJsonArray(decoded[column]);
      }
    }
    return decoded;
  },
};
