import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type LogConfig,
} from 'kysely';

import type { Database } from '../schema.js';

/**
 * Kysely over the Postgres dialect with no server behind it: queries compile as Postgres would
 * get them, and every statement "runs" and finds nothing. For tests of the SQL built, and of what
 * code does when the store finds nothing; `log` sees each statement.
 */
export function statementlessPostgres(log?: LogConfig): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    ...(log === undefined ? {} : { log }),
  });
}
