import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { DIVISIONS } from '../../auth/divisions.js';
import { isAppError } from '../../errors/app-error.js';
import { createLogger } from '../../logging/logger.js';
import type { Database } from '../schema.js';
import { testPrincipal } from '../test-support/test-database.js';
import { createMssqlScopedDatabase } from './create-mssql-scoped-database.js';
import {
  createRecordingMssqlDialect,
  type RecordingMssqlOptions,
} from './test-support/recording-mssql-dialect.js';

const SET = "EXEC sp_set_session_context @key = N'eds.divisions', @value = @1, @read_only = 0";
const CLEAR = "EXEC sp_set_session_context @key = N'eds.divisions', @value = NULL, @read_only = 0";

function open(options: RecordingMssqlOptions = {}) {
  const { dialect, steps } = createRecordingMssqlDialect(options);
  const db = createMssqlScopedDatabase(new Kysely<Database>({ dialect }), createLogger('silent'));
  return { db, steps };
}

describe('SQL Server row scope through SESSION_CONTEXT', () => {
  it('sets the caller divisions first and clears them last, inside one transaction', async () => {
    const { db, steps } = open();
    const principal = testPrincipal(['EDS.Analyst'], ['DC', 'MD']);
    await db.withScope(principal, (trx) =>
      trx.selectFrom('awards').select('id').where('id', '=', 7).execute(),
    );
    expect(steps).toEqual([
      { kind: 'acquire' },
      { kind: 'begin' },
      { kind: 'query', sql: SET, parameters: ['DC,MD'] },
      { kind: 'query', sql: 'select "id" from "awards" where "id" = @1', parameters: [7] },
      { kind: 'query', sql: CLEAR, parameters: [] },
      { kind: 'commit' },
      { kind: 'release' },
    ]);
  });

  it('clears the divisions and rolls back when the work fails', async () => {
    const { db, steps } = open();
    const failure = new Error('work failed');
    const attempt = db.withScope(testPrincipal(['EDS.Analyst'], ['VA']), async (trx) => {
      await sql`SELECT 1`.execute(trx);
      throw failure;
    });
    await expect(attempt).rejects.toBe(failure);
    expect(steps.map((step) => (step.kind === 'query' ? step.sql : step.kind))).toEqual([
      'acquire',
      'begin',
      SET,
      'SELECT 1',
      CLEAR,
      'rollback',
      'release',
    ]);
  });

  it('gives a principal with no divisions an empty setting, which no row matches', async () => {
    const { db, steps } = open();
    await db.withScope(testPrincipal(['EDS.Manager'], []), () => Promise.resolve());
    expect(steps[2]).toEqual({ kind: 'query', sql: SET, parameters: [''] });
  });

  it('sets every division for unsafe work on one pinned connection, no transaction', async () => {
    const { db, steps } = open();
    await db.unsafeWithoutScope((kysely) => sql`SELECT 2`.execute(kysely));
    expect(steps).toEqual([
      { kind: 'acquire' },
      { kind: 'query', sql: SET, parameters: [DIVISIONS.join(',')] },
      { kind: 'query', sql: 'SELECT 2', parameters: [] },
      { kind: 'query', sql: CLEAR, parameters: [] },
      { kind: 'release' },
    ]);
  });

  it('answers a dropped connection with STORE_UNAVAILABLE', async () => {
    const dropped = Object.assign(new Error('Connection lost'), { code: 'ESOCKET' });
    const { db } = open({ fail: (query) => (query.sql === 'SELECT 3' ? dropped : undefined) });
    const attempt = db.withScope(testPrincipal(['EDS.Analyst'], ['DC']), (trx) =>
      sql`SELECT 3`.execute(trx),
    );
    const error: unknown = await attempt.catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('STORE_UNAVAILABLE');
  });

  it('reports the SQL Server dialect so queries pick its pieces', () => {
    expect(open().db.dialect.name).toBe('mssql');
  });
});
