import { sql, type Generated, type Kysely } from 'kysely';

import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { MssqlMigration } from './migrations/mssql-migration.js';

const CREATE_LEDGER = `
IF OBJECT_ID(N'dbo.schema_migrations', N'U') IS NULL
  CREATE TABLE dbo.schema_migrations (
    name nvarchar(200) NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
    applied_at datetime2 NOT NULL
      CONSTRAINT df_schema_migrations_applied_at DEFAULT SYSUTCDATETIME()
  );`;

// Two deployments migrating at once would race on the ledger: hold a session lock throughout.
const TAKE_LOCK = `
DECLARE @result int;
EXEC @result = sp_getapplock @Resource = N'eds-schema-migrations', @LockMode = N'Exclusive',
  @LockOwner = N'Session', @LockTimeout = 60000;
SELECT @result AS result;`;

const RELEASE_LOCK = `
EXEC sp_releaseapplock @Resource = N'eds-schema-migrations', @LockOwner = N'Session';`;

type Ledger = {
  schema_migrations: { name: string; applied_at: Generated<Date> };
};

function assertOrdered(migrations: readonly MssqlMigration[]): void {
  const names = migrations.map((migration) => migration.name);
  const sorted = [...names].sort();
  if (new Set(names).size !== names.length || names.some((name, i) => name !== sorted[i])) {
    throw new Error('SQL Server migrations must have unique names in ascending order');
  }
}

/** Applied names must be exactly the first migrations known here, in order. */
function pendingAfter(
  migrations: readonly MssqlMigration[],
  applied: readonly string[],
): MssqlMigration[] {
  const known = migrations.map((migration) => migration.name);
  const mismatch = applied.findIndex((name, i) => known[i] !== name);
  if (applied.length > known.length || mismatch !== -1) {
    const name = mismatch === -1 ? applied[known.length] : applied[mismatch];
    throw new AppError('INTERNAL', `Database has migration ${name ?? '?'} this build lacks`);
  }
  return migrations.slice(applied.length);
}

async function applyOne(db: Kysely<Ledger>, migration: MssqlMigration): Promise<void> {
  const run = async (conn: Kysely<Ledger>): Promise<void> => {
    for (const batch of migration.batches) await sql.raw(batch).execute(conn);
    await conn.insertInto('schema_migrations').values({ name: migration.name }).execute();
  };
  if (migration.transactional) await db.transaction().execute(run);
  else await run(db);
}

/**
 * Applies the SQL Server migrations not yet recorded in `dbo.schema_migrations`, in order, and
 * returns the names applied (empty when the schema is current). Each transactional migration
 * and its ledger row commit together; the others run batch by batch and are written to be
 * safe to run again. An exclusive application lock keeps two deployments from migrating at
 * once.
 *
 * Give it a Kysely pinned to one connection (`db.connection().execute(...)`), signed in as a
 * principal allowed to run DDL and create security policies; never the application's identity.
 *
 * @throws AppError INTERNAL when the database records a migration this build does not know, or
 * one fails (naming it; a transactional one then leaves nothing behind). Error when the lock
 * cannot be taken within a minute or the list is out of order.
 */
export async function applyMssqlMigrations<DB>(
  db: Kysely<DB>,
  migrations: readonly MssqlMigration[],
  logger: Logger,
): Promise<string[]> {
  assertOrdered(migrations);
  const ledger = db.withTables<Ledger>() as unknown as Kysely<Ledger>;
  const lock = await sql<{ result: number }>`${sql.raw(TAKE_LOCK)}`.execute(ledger);
  // sp_getapplock answers 0 or 1 when granted, negative on timeout, deadlock or error.
  if ((lock.rows[0]?.result ?? -1) < 0) throw new Error('Could not take the migration lock');
  try {
    await sql.raw(CREATE_LEDGER).execute(ledger);
    const rows = await ledger
      .selectFrom('schema_migrations')
      .select('name')
      .orderBy('name')
      .execute();
    const pending = pendingAfter(
      migrations,
      rows.map((row) => row.name),
    );
    const applied: string[] = [];
    for (const migration of pending) {
      try {
        await applyOne(ledger, migration);
      } catch (cause) {
        logger.error('db.migration_failed', { version: migration.name, store: 'mssql' });
        throw new AppError('INTERNAL', `Migration ${migration.name} failed`, { cause });
      }
      logger.info('db.migration_applied', { version: migration.name, store: 'mssql' });
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await sql.raw(RELEASE_LOCK).execute(ledger);
  }
}
