import { Migrator } from 'kysely';

import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { AppDatabase } from './app-database.js';
import { migrationProvider } from './migrations/index.js';
import { isStoreOutage, mapStoreError } from './store-outage.js';

/**
 * Applies every pending migration in one transaction and returns the names applied (empty when
 * the schema is current). Runs as the owner role, outside row scope.
 *
 * @throws AppError INTERNAL naming the failed migration when one fails; nothing is applied then.
 * AppError STORE_UNAVAILABLE when the store is down.
 */
export async function migrateToLatest(db: AppDatabase, logger: Logger): Promise<string[]> {
  const { error, results } = await db.unsafeWithoutScope((kysely) =>
    new Migrator({ db: kysely, provider: migrationProvider }).migrateToLatest(),
  );
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    if (isStoreOutage(error)) throw mapStoreError(error);
    logger.error('db.migration_failed', { version: failed?.migrationName, store: 'postgres' });
    throw new AppError('INTERNAL', `Migration ${failed?.migrationName ?? '(setup)'} failed`, {
      cause: error,
    });
  }
  const applied = (results ?? []).map((result) => result.migrationName);
  for (const name of applied) logger.info('db.migration_applied', { version: name });
  return applied;
}
