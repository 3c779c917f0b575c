import {
  CompiledQuery,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/** One step the recording driver saw: a statement, or a transaction or pool event. */
export type RecordedStep =
  | { readonly kind: 'query'; readonly sql: string; readonly parameters: readonly unknown[] }
  | { readonly kind: 'begin' | 'commit' | 'rollback' | 'acquire' | 'release' };

/** Options of {@link createRecordingMssqlDialect}. */
export interface RecordingMssqlOptions {
  /** Rows answered for a statement; none by default. */
  readonly answer?: (query: CompiledQuery) => readonly Record<string, unknown>[];
  /** Throws for a statement, to exercise failure paths. */
  readonly fail?: (query: CompiledQuery) => Error | undefined;
}

/**
 * A SQL Server dialect whose driver never opens a socket: Kysely's own MSSQL adapter and
 * compiler produce the exact T-SQL and parameters, and the driver records them in order.
 */
export function createRecordingMssqlDialect(options: RecordingMssqlOptions = {}): {
  dialect: Dialect;
  steps: RecordedStep[];
} {
  const steps: RecordedStep[] = [];
  const connection: DatabaseConnection = {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      steps.push({ kind: 'query', sql: query.sql, parameters: [...query.parameters] });
      const failure = options.fail?.(query);
      if (failure !== undefined) return Promise.reject(failure);
      return Promise.resolve({ rows: (options.answer?.(query) ?? []) as R[] });
    },
    // eslint-disable-next-line require-yield -- test double: streaming is never used here
    async *streamQuery() {
      throw new Error('not supported by the recording driver');
    },
  };
  const record = (kind: Exclude<RecordedStep['kind'], 'query'>) => (): Promise<void> => {
    steps.push({ kind });
    return Promise.resolve();
  };
  const driver: Driver = {
    init: () => Promise.resolve(),
    acquireConnection: () => {
      steps.push({ kind: 'acquire' });
      return Promise.resolve(connection);
    },
    beginTransaction: record('begin'),
    commitTransaction: record('commit'),
    rollbackTransaction: record('rollback'),
    releaseConnection: record('release'),
    destroy: () => Promise.resolve(),
  };
  const dialect: Dialect = {
    createAdapter: () => new MssqlAdapter(),
    createDriver: () => driver,
    createIntrospector: (db: Kysely<unknown>) => new MssqlIntrospector(db),
    createQueryCompiler: () => new MssqlQueryCompiler(),
  };
  return { dialect, steps };
}
