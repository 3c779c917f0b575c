import type { Expression, SelectExpression, SqlBool } from 'kysely';

import type { Database } from './schema.js';

/** The SQL dialects the relational store speaks: Azure SQL in production, Postgres locally. */
export type SqlDialectName = 'postgres' | 'mssql';

/** How a value compares, which decides the SQL type a bound keyset value is cast to. */
export type SqlValueType = 'integer' | 'numeric' | 'date' | 'text';

/**
 * The few pieces of a repository query that differ between Postgres and SQL Server. Queries are
 * built once with Kysely against `Kysely<Database>`; only these come from the dialect. Every
 * value a caller supplies reaches the database as a bind parameter, never as SQL text.
 */
export interface SqlDialectFeatures {
  readonly name: SqlDialectName;
  /**
   * True when the `search` column (possibly qualified, `a.search`) holds every word of `text`.
   * The text is read as plain words: no operators, so no search syntax to abuse.
   */
  matchesText(searchColumn: string, text: string): Expression<SqlBool>;
  /** The SQL type a bound keyset value is cast to before it is compared with a column. */
  castType(type: SqlValueType): Expression<unknown>;
  /** True when `value` is one element of a multi-valued column (array or JSON array). */
  hasElement(column: string, value: string): Expression<SqlBool>;
  /**
   * How one column of `table` is selected so that rows read the same on both dialects: dates as
   * `YYYY-MM-DD` strings, money as decimal strings.
   */
  readColumn(table: keyof Database, column: string): SelectExpression<Database, keyof Database>;
  /** Turns a driver row into the shape the Postgres driver returns (JSON arrays parsed). */
  decodeRow(table: keyof Database, row: Record<string, unknown>): Record<string, unknown>;
}
