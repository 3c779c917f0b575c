import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

import { divisionSetting } from '../auth/divisions.js';
import type { Logger } from '../logging/logger.js';
import type { AppDatabase } from './app-database.js';
import { APP_ROLE } from './migrations/0001-financial-records.js';
import { postgresDialectFeatures } from './postgres-dialect-features.js';
import type { Database } from './schema.js';
import { isStoreOutage, mapStoreError } from './store-outage.js';

/** Options of {@link createPostgresAppDatabase}. */
export interface PostgresAppDatabaseOptions {
  /**
   * Pool size when given a URL. The local host opens 8 on the embedded store, which still runs
   * one statement at a time (its wire server queues the connections onto one session).
   */
  readonly maxConnections?: number;
  /** Per-statement ceiling inside `withScope`; a slower statement fails as STORE_UNAVAILABLE. */
  readonly statementTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
}

const DATE_OID = 1082;

// `date` stays a `YYYY-MM-DD` string: the driver's default turns it into a local-time Date.
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === DATE_OID && format !== 'binary'
      ? (value: string) => value
      : (pg.types.getTypeParser(
          oid,
          format ?? 'text',
        ) as unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Opens the relational store over `pg` as an {@link AppDatabase}.
 *
 * `withScope` runs the work in one transaction as the `eds_app` role (no BYPASSRLS) with the
 * principal's divisions in `eds.divisions`, both `LOCAL` so they end with the transaction: that
 * is what keeps them from leaking on a shared session such as the embedded store's.
 *
 * > [!WARNING]
 * > Given a pool, this takes ownership of it: `close()` ends it.
 *
 * @throws AppError STORE_UNAVAILABLE (retry after 5 s) from `withScope` and `unsafeWithoutScope`
 * when the store is unreachable, the connection drops or a statement times out; other errors,
 * including the work's own AppErrors, pass through unchanged.
 */
export function createPostgresAppDatabase(
  source: string | pg.Pool,
  logger: Logger,
  options: PostgresAppDatabaseOptions = {},
): AppDatabase {
  const pool =
    typeof source === 'string'
      ? new pg.Pool({
          connectionString: source,
          max: options.maxConnections ?? 10,
          connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
          // A client-side ceiling as well: a store that stalls on an open connection never
          // answers the server's statement_timeout.
          query_timeout: (options.statementTimeoutMs ?? 15_000) + 5000,
          types: typeParsers,
        })
      : source;
  const onClientError = (error: Error): void => {
    logger.warn('db.client_error', { store: 'postgres', errorName: error.name });
  };
  // A client whose server goes away emits 'error'; unheard, that event would crash the process.
  // The pool hears idle clients; checked-out ones need their own listener.
  pool.on('error', onClientError);
  pool.on('connect', (client) => client.on('error', onClientError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const timeout = options.statementTimeoutMs ?? 15_000;

  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (isStoreOutage(error)) logger.warn('db.store_unavailable', { store: 'postgres' });
      throw mapStoreError(error);
    }
  };

  return {
    dialect: postgresDialectFeatures,
    withScope: (principal, work) =>
      guard(() =>
        db.transaction().execute(async (trx) => {
          const divisions = divisionSetting(principal.divisions);
          await sql`SET LOCAL ROLE ${sql.id(APP_ROLE)}`.execute(trx);
          await sql`SELECT set_config('eds.divisions', ${divisions}, true),
            set_config('statement_timeout', ${String(timeout)}, true)`.execute(trx);
          return work(trx);
        }),
      ),
    unsafeWithoutScope: (work) => guard(() => work(db)),
    close: () => db.destroy(),
  };
}
