/**
 * SQL Server migration 0002: full-text indexes on each table's persisted `search` column, the
 * counterpart of the Postgres GIN indexes on `search` tsvectors. `q` reaches them through
 * `CONTAINS` (see `mssql-dialect-features.ts`). The stoplist is off, so every word of a query
 * must occur, as the words of a query do in Postgres bar its English stop words.
 *
 * SQL Server refuses full-text DDL inside a user transaction, so this migration runs without
 * one and every batch checks before it creates.
 *
 * Compatibility: applied migrations never change; a later change is a new migration.
 */
import type { MssqlMigration } from './mssql-migration.js';

const SEARCHABLE_TABLES = [
  'recipients',
  'awards',
  'expenditures',
  'vendors',
  'contracts',
  'contract_transactions',
  'accounts',
] as const;

const CREATE_CATALOG = `
IF NOT EXISTS (SELECT 1 FROM sys.fulltext_catalogs WHERE name = N'eds_search')
  CREATE FULLTEXT CATALOG eds_search;`;

function createIndex(table: (typeof SEARCHABLE_TABLES)[number]): string {
  return `
IF NOT EXISTS (SELECT 1 FROM sys.fulltext_indexes WHERE object_id = OBJECT_ID(N'dbo.${table}'))
  CREATE FULLTEXT INDEX ON dbo.${table} (search LANGUAGE 1033)
    KEY INDEX pk_${table} ON eds_search
    WITH (CHANGE_TRACKING = AUTO, STOPLIST = OFF);`;
}

/** The full-text catalog and one full-text index per searchable table. */
export const fullTextSearch: MssqlMigration = {
  name: '0002-full-text-search',
  transactional: false,
  batches: [CREATE_CATALOG, ...SEARCHABLE_TABLES.map(createIndex)],
};
