/**
 * Applies pending migrations to the database named by `EDS_PG_URL`, for deployments; the local
 * host migrates its embedded store on start instead. Exits 0 when the schema is current, 1 on
 * failure. Prints structured log lines only, never the connection string.
 *
 * Usage: `EDS_PG_URL=postgres://… node dist/scripts/db-migrate.js`
 *
 * LIMITATION: the password comes from the URL. Flexible Server with Entra-only auth needs a
 * fresh access token as the password; mint it in the pipeline step and put it in the URL until
 * this script takes a token provider.
 */
import { loadConfig } from '../shared/config/app-config.js';
import { migrateToLatest } from '../shared/db/migrate-to-latest.js';
import { createPostgresAppDatabase } from '../shared/db/postgres-app-database.js';
import { createLogger } from '../shared/logging/logger.js';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.pgUrl === undefined) {
    logger.error('db.migrate_unconfigured', { reason: 'EDS_PG_URL is not set' });
    return 1;
  }
  const db = createPostgresAppDatabase(config.pgUrl, logger, { maxConnections: 1 });
  try {
    const applied = await migrateToLatest(db, logger);
    logger.info('db.migrate_done', { count: applied.length });
    return 0;
  } catch (error) {
    logger.error('db.migrate_failed', {
      errorName: error instanceof Error ? error.name : 'unknown',
    });
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
