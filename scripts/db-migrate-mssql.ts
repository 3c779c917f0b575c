/**
 * Applies pending SQL Server migrations (`shared/db/mssql/migrations/`) to Azure SQL, for
 * deployments. Exits 0 when the schema is current, 1 on failure. Prints structured log lines
 * only, never the token.
 *
 * Usage, from a pipeline step signed in as the database's Entra admin (or a principal with DDL
 * rights and ALTER ANY SECURITY POLICY):
 *
 * ```sh
 * EDS_SQL_SERVER=<name>.database.windows.net EDS_SQL_DATABASE=eds \
 * EDS_SQL_ACCESS_TOKEN="$(az account get-access-token --resource https://database.windows.net/ \
 *   --query accessToken -o tsv)" node dist/scripts/db-migrate-mssql.js
 * ```
 *
 * LIMITATION: the token is read once from the environment, so a run must finish within its
 * lifetime (about an hour); migrations here take seconds.
 */
import { z } from 'zod';

import { loadConfig } from '../shared/config/app-config.js';
import { safeParseEnv } from '../shared/config/parse-env.js';
import { applyMssqlMigrations } from '../shared/db/mssql/apply-mssql-migrations.js';
import { MSSQL_MIGRATIONS } from '../shared/db/mssql/migrations/index.js';
import { createMssqlAppDatabase } from '../shared/db/mssql/mssql-app-database.js';
import { createLogger } from '../shared/logging/logger.js';

const EnvSchema = z.object({
  EDS_SQL_SERVER: z.string().min(1),
  EDS_SQL_DATABASE: z.string().min(1),
  EDS_SQL_ACCESS_TOKEN: z.string().min(1),
});

async function main(): Promise<number> {
  const logger = createLogger(loadConfig().logLevel);
  const parsed = safeParseEnv(EnvSchema, process.env);
  if (!parsed.success) {
    const names = parsed.names.join(', ');
    logger.error('db.migrate_unconfigured', { reason: `missing or empty: ${names}` });
    return 1;
  }
  const env = parsed.data;
  const db = createMssqlAppDatabase({
    server: env.EDS_SQL_SERVER,
    database: env.EDS_SQL_DATABASE,
    tokenCache: { getToken: () => Promise.resolve(env.EDS_SQL_ACCESS_TOKEN) },
    logger,
    poolMax: 1,
    // DDL on a large table can outlast the application's statement ceiling.
    requestTimeoutMs: 10 * 60 * 1000,
  });
  try {
    // unsafeWithoutScope pins one connection, which the session's migration lock needs.
    const applied = await db.unsafeWithoutScope((kysely) =>
      applyMssqlMigrations(kysely, MSSQL_MIGRATIONS, logger),
    );
    logger.info('db.migrate_done', { count: applied.length, store: 'mssql' });
    return 0;
  } catch (error) {
    logger.error('db.migrate_failed', {
      store: 'mssql',
      errorName: error instanceof Error ? error.name : 'unknown',
    });
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
