import type { TokenCredential } from '@azure/identity';
import { Kysely, MssqlDialect } from 'kysely';
import tedious from 'tedious';

import { createTokenCache, type TokenCache } from '../../identity/token-cache.js';
import type { Logger } from '../../logging/logger.js';
import type { AppDatabase } from '../app-database.js';
import type { Database } from '../schema.js';
import { createMssqlScopedDatabase } from './create-mssql-scoped-database.js';
import { createTokenBoundPool } from './create-token-bound-pool.js';
import { tediousConnectionConfig, type TediousTarget } from './tedious-connection-config.js';

/** Entra scope of Azure SQL access tokens. */
export const AZURE_SQL_SCOPE = 'https://database.windows.net/.default';

/** Retire a connection this long before its token's `exp`. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
/** Never keep a connection longer than this, whatever its token says. */
const MAX_LIFETIME_MS = 45 * 60 * 1000;
/** Refresh tokens earlier than connections retire, so a new connection always gets time. */
const TOKEN_REFRESH_BEFORE_MS = 10 * 60 * 1000;

/** Options of {@link createMssqlAppDatabase}. */
export interface MssqlAppDatabaseOptions extends TediousTarget {
  /** Azure SQL tokens; build it with {@link createAzureSqlTokenCache}. */
  readonly tokenCache: TokenCache;
  readonly logger: Logger;
  /** Pool size; 10 when absent. */
  readonly poolMax?: number;
  /** The clock, epoch ms; `Date.now` when absent. */
  readonly now?: () => number;
}

/**
 * The Azure SQL token cache for {@link createMssqlAppDatabase}: refreshes a token ten minutes
 * before it expires, five minutes before the connections that use it retire.
 */
export function createAzureSqlTokenCache(credential: TokenCredential): TokenCache {
  return createTokenCache(credential, AZURE_SQL_SCOPE, {
    refreshBeforeMs: TOKEN_REFRESH_BEFORE_MS,
  });
}

/**
 * Opens the transactional store on Azure SQL through tedious as an {@link AppDatabase}: Entra
 * access-token sign-in from the managed identity, TLS 1.2+ with the certificate verified, a
 * tarn pool that retires each connection before its token lapses (see
 * `createTokenBoundPool`), and connections reset on release. Row scope is the security policy
 * of the SQL Server migrations, fed from `SESSION_CONTEXT` by `createMssqlScopedDatabase`.
 *
 * Nothing connects until the first query.
 *
 * @throws AppError STORE_UNAVAILABLE from `withScope` and `unsafeWithoutScope` when SQL Server
 * is unreachable or no token can be had.
 */
export function createMssqlAppDatabase(options: MssqlAppDatabaseOptions): AppDatabase {
  const pool = createTokenBoundPool({
    renewBeforeMs: RENEW_BEFORE_MS,
    maxLifetimeMs: MAX_LIFETIME_MS,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const dialect = new MssqlDialect({
    tarn: {
      Pool: pool.Pool,
      options: {
        min: 0,
        max: options.poolMax ?? 10,
        idleTimeoutMillis: RENEW_BEFORE_MS,
        acquireTimeoutMillis: 15_000,
        propagateCreateError: true,
      },
    },
    tedious: {
      ISOLATION_LEVEL: tedious.ISOLATION_LEVEL,
      Request: tedious.Request,
      TYPES: tedious.TYPES,
      connectionFactory: async () => {
        const token = await options.tokenCache.getToken();
        pool.bindToken(token);
        return new tedious.Connection(tediousConnectionConfig(options, token));
      },
    },
    // sp_reset_connection on release: clears SESSION_CONTEXT even if withScope's clear failed.
    resetConnectionsOnRelease: true,
    validateConnections: true,
  });
  const db = new Kysely<Database>({ dialect });
  return createMssqlScopedDatabase(db, options.logger);
}
