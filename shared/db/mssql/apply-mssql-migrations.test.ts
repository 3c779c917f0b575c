import { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { isAppError } from '../../errors/app-error.js';
import { createLogger } from '../../logging/logger.js';
import { applyMssqlMigrations } from './apply-mssql-migrations.js';
import type { MssqlMigration } from './migrations/mssql-migration.js';
import {
  createRecordingMssqlDialect,
  type RecordedStep,
} from './test-support/recording-mssql-dialect.js';

const MIGRATIONS: MssqlMigration[] = [
  { name: '0001-first', transactional: true, batches: ['CREATE TABLE a (id int)', 'GRANT A'] },
  { name: '0002-second', transactional: false, batches: ['CREATE FULLTEXT CATALOG c'] },
  { name: '0003-third', transactional: true, batches: ['CREATE TABLE b (id int)'] },
];

/** A server whose ledger already records `applied` and which fails statements containing `fail`. */
function server(applied: readonly string[], fail?: string) {
  const { dialect, steps } = createRecordingMssqlDialect({
    answer: (query) => {
      if (query.sql.includes('sp_getapplock')) return [{ result: 0 }];
      if (query.sql.startsWith('select "name" from "schema_migrations"')) {
        return applied.map((name) => ({ name }));
      }
      return [];
    },
    fail: (query) =>
      fail !== undefined && query.sql.includes(fail) ? new Error('statement failed') : undefined,
  });
  const db = new Kysely<unknown>({ dialect });
  return { db, steps };
}

function summary(steps: readonly RecordedStep[]): string[] {
  return steps
    .filter((step) => step.kind !== 'acquire' && step.kind !== 'release')
    .map((step) => {
      if (step.kind !== 'query') return step.kind;
      const sql = step.sql.trim();
      if (sql.includes('sp_getapplock')) return 'lock';
      if (sql.includes('sp_releaseapplock')) return 'unlock';
      if (sql.includes('CREATE TABLE dbo.schema_migrations')) return 'ledger';
      if (sql.startsWith('select "name"')) return 'read ledger';
      if (sql.startsWith('insert into "schema_migrations"'))
        return `record ${String(step.parameters[0])}`;
      return sql;
    });
}

const logger = createLogger('silent');

describe('applyMssqlMigrations', () => {
  it('applies every migration in order, each transactional one with its ledger row', async () => {
    const { db, steps } = server([]);
    const applied = await applyMssqlMigrations(db, MIGRATIONS, logger);
    expect(applied).toEqual(['0001-first', '0002-second', '0003-third']);
    expect(summary(steps)).toEqual([
      'lock',
      'ledger',
      'read ledger',
      'begin',
      'CREATE TABLE a (id int)',
      'GRANT A',
      'record 0001-first',
      'commit',
      'CREATE FULLTEXT CATALOG c',
      'record 0002-second',
      'begin',
      'CREATE TABLE b (id int)',
      'record 0003-third',
      'commit',
      'unlock',
    ]);
  });

  it('applies only what the ledger lacks', async () => {
    const { db, steps } = server(['0001-first', '0002-second']);
    expect(await applyMssqlMigrations(db, MIGRATIONS, logger)).toEqual(['0003-third']);
    expect(summary(steps)).not.toContain('CREATE TABLE a (id int)');
  });

  it('changes nothing on a current schema', async () => {
    const { db, steps } = server(MIGRATIONS.map((migration) => migration.name));
    expect(await applyMssqlMigrations(db, MIGRATIONS, logger)).toEqual([]);
    expect(summary(steps)).toEqual(['lock', 'ledger', 'read ledger', 'unlock']);
  });

  it('refuses a database that records a migration this build does not know', async () => {
    const { db, steps } = server(['0001-first', '0002-other']);
    const error: unknown = await applyMssqlMigrations(db, MIGRATIONS, logger).catch(
      (caught: unknown) => caught,
    );
    expect(isAppError(error) && error.code).toBe('INTERNAL');
    expect(summary(steps).at(-1)).toBe('unlock');
    expect(summary(steps)).not.toContain('begin');
  });

  it('rolls a failed migration back, stops there and releases the lock', async () => {
    const { db, steps } = server(['0001-first', '0002-second'], 'CREATE TABLE b');
    const error: unknown = await applyMssqlMigrations(db, MIGRATIONS, logger).catch(
      (caught: unknown) => caught,
    );
    expect(isAppError(error) && error.code).toBe('INTERNAL');
    expect(summary(steps).slice(-4)).toEqual([
      'begin',
      'CREATE TABLE b (id int)',
      'rollback',
      'unlock',
    ]);
  });

  it('refuses a migration list out of name order before touching the database', async () => {
    const { db, steps } = server([]);
    const reversed = [...MIGRATIONS].reverse();
    await expect(applyMssqlMigrations(db, reversed, logger)).rejects.toThrow(/ascending order/);
    expect(steps).toEqual([]);
  });
});
