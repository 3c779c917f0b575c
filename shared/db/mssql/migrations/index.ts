import { financialRecords } from './0001-financial-records.js';
import { fullTextSearch } from './0002-full-text-search.js';
import type { MssqlMigration } from './mssql-migration.js';

/**
 * Every SQL Server migration in the order they apply. A static list, as for Postgres: no
 * directory scan, so bundling cannot lose one. Compatibility: never rename, reorder or remove an
 * entry once it has shipped.
 */
export const MSSQL_MIGRATIONS: readonly MssqlMigration[] = [financialRecords, fullTextSearch];
