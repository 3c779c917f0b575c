/**
 * One versioned SQL Server migration. Compatibility: a migration that has been applied never
 * changes; a later change is a new migration with the next number.
 */
export interface MssqlMigration {
  /** `NNNN-<topic>`; names sort in the order they apply and are recorded in `schema_migrations`. */
  readonly name: string;
  /**
   * T-SQL batches, sent one at a time (what `GO` separates in a script): `CREATE SCHEMA`,
   * `CREATE FUNCTION` and `CREATE SECURITY POLICY` each need a batch of their own.
   */
  readonly batches: readonly string[];
  /**
   * False for DDL SQL Server refuses inside a user transaction (full-text catalogs and
   * indexes); such batches must each be safe to run again.
   */
  readonly transactional: boolean;
}
