import type { Kysely, Transaction } from 'kysely';

import type { VerifiedPrincipal } from '../auth/principal.js';
import type { Database } from './schema.js';
import type { SqlDialectFeatures } from './sql-dialect-features.js';

/**
 * The relational store as operations see it. Every read of financial records goes through
 * `withScope`, which opens one transaction, drops to the non-privileged application role and
 * sets the caller's divisions for row-level security, so a forgotten filter in code still cannot
 * return another division's rows.
 */
export interface AppDatabase {
  /** The dialect's few query pieces (full-text match, casts, column reads); see its type. */
  readonly dialect: SqlDialectFeatures;
  withScope<T>(
    principal: VerifiedPrincipal,
    work: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<T>;
  /**
   * Runs work outside row scope, as the store's login: the owner locally, in Azure the app
   * identity through `eds_maintenance` (migration 0006). For seed loading, key rotation, search
   * indexing, the audit relay, the idempotency-key purge and the SQL Server migration only; the
   * `unsafe` prefix is there so review finds every caller.
   */
  unsafeWithoutScope<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
