import { sql, type Kysely } from 'kysely';

import { DIVISIONS, divisionSetting } from '../../auth/divisions.js';
import type { VerifiedPrincipal } from '../../auth/principal.js';
import type { Logger } from '../../logging/logger.js';
import type { AppDatabase } from '../app-database.js';
import type { Database } from '../schema.js';
import { isMssqlStoreOutage, mapMssqlStoreError } from './map-mssql-store-error.js';
import { mssqlDialectFeatures } from './mssql-dialect-features.js';

// `eds.divisions` is the SESSION_CONTEXT key the security policy's predicate reads (migration
// 0001). `@read_only = 0` so the clear below can reset it on a pooled connection.
const SET_DIVISIONS_CONTEXT = sql`EXEC sp_set_session_context @key = N'eds.divisions'`;

function setDivisions(db: Kysely<Database>, value: string) {
  const statement = sql`${SET_DIVISIONS_CONTEXT}, @value = ${value}, @read_only = 0`;
  return statement.execute(db);
}

function clearDivisions(db: Kysely<Database>) {
  const statement = sql`${SET_DIVISIONS_CONTEXT}, @value = NULL, @read_only = 0`;
  return statement.execute(db);
}

/**
 * Wraps a SQL Server Kysely instance as an {@link AppDatabase} whose row scope is the security
 * policy of migration 0001: its predicate reads the caller's divisions from `SESSION_CONTEXT`.
 *
 * `withScope` runs the work in one transaction on one pooled connection: it sets
 * `eds.divisions` first and clears it last, because session context outlives the transaction
 * and the connection goes back to a pool. `createMssqlAppDatabase` also resets every connection
 * on release, so a clear that fails cannot leak divisions to the next caller.
 *
 * > [!WARNING]
 * > `unsafeWithoutScope` sets every division on its connection: the work sees and may change
 * > all rows. For migrations, seeding and key rotation only.
 *
 * @throws AppError STORE_UNAVAILABLE (retry after 5 s) when SQL Server is unreachable, busy or
 * a statement times out; other errors, including the work's own AppErrors, pass through.
 */
export function createMssqlScopedDatabase(db: Kysely<Database>, logger: Logger): AppDatabase {
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (isMssqlStoreOutage(error)) logger.warn('db.store_unavailable', { store: 'mssql' });
      throw mapMssqlStoreError(error);
    }
  };

  const withDivisions = async <T>(
    conn: Kysely<Database>,
    divisions: string,
    work: () => Promise<T>,
  ): Promise<T> => {
    await setDivisions(conn, divisions);
    try {
      return await work();
    } finally {
      await clearDivisions(conn).catch((error: unknown) => {
        // The reset on release still clears it; the work's own outcome is what the caller gets.
        logger.warn('db.session_context_clear_failed', {
          store: 'mssql',
          errorName: error instanceof Error ? error.name : 'unknown',
        });
      });
    }
  };

  return {
    dialect: mssqlDialectFeatures,
    withScope: (principal: VerifiedPrincipal, work) =>
      guard(() =>
        db
          .transaction()
          .execute((trx) =>
            withDivisions(trx, divisionSetting(principal.divisions), () => work(trx)),
          ),
      ),
    unsafeWithoutScope: (work) =>
      guard(() =>
        db
          .connection()
          .execute((conn) => withDivisions(conn, divisionSetting(DIVISIONS), () => work(conn))),
      ),
    close: () => db.destroy(),
  };
}
