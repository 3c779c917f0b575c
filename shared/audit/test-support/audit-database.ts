import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../local/embedded-postgres.js';
import * as auditTables from '../../db/migrations/0002-audit-trail.js';
import * as auditAppend from '../../db/migrations/0004-audit-append.js';
import * as auditDigestChecks from '../../db/migrations/0005-audit-digest-checks.js';
import {
  createExternalTestDatabase,
  externalPostgresUrl,
} from '../../db/test-support/external-postgres.js';
import type { AuditTables } from '../audit-tables.js';

/**
 * An in-memory Postgres (or a fresh database on `EDS_TEST_PG_URL`'s server) with the audit
 * migrations (0002 tables, 0004 append function, 0005 digest checks) applied, for tests.
 */
export interface AuditTestDatabase {
  readonly server: EmbeddedPostgres;
  /** Owner connection: the migration's role, used to tamper as a DBA would. */
  readonly owner: pg.Pool;
  readonly db: Kysely<AuditTables>;
  /** Opens another Kysely on `url` (for example through a proxy); closed by `stop`. */
  connect(url: string): Kysely<AuditTables>;
  /** Empties both audit tables, with the owner's triggers briefly disabled. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function pool(url: string): pg.Pool {
  const created = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2_000 });
  // A dropped idle connection is emitted here; without a listener it would crash the run.
  created.on('error', () => undefined);
  // So is a checked-out client's, when the proxy drops it between two statements.
  created.on('connect', (client) => client.on('error', () => undefined));
  return created;
}

/**
 * Applies the audit migrations, 0002 (tables, triggers, grants), 0004 (the append function) and
 * 0005 (the digest checks), through Kysely's `Migrator` as the app applies all of them.
 */
export async function applyAuditMigrations(db: Kysely<AuditTables>): Promise<void> {
  const provider = {
    getMigrations: () =>
      Promise.resolve({
        '0002-audit-trail': auditTables,
        '0004-audit-append': auditAppend,
        '0005-audit-digest-checks': auditDigestChecks,
      }),
  };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error instanceof Error) throw error;
  if (error !== undefined) throw new Error('audit migrations failed');
}

export async function startAuditDatabase(): Promise<AuditTestDatabase> {
  const adminUrl = externalPostgresUrl();
  const server =
    adminUrl === undefined
      ? await startEmbeddedPostgres({})
      : await createExternalTestDatabase(adminUrl);
  const owner = pool(server.url);
  const opened: Kysely<AuditTables>[] = [];
  const connect = (url: string): Kysely<AuditTables> => {
    const db = new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool: pool(url) }) });
    opened.push(db);
    return db;
  };
  const db = connect(server.url);
  await applyAuditMigrations(db);
  return {
    server,
    owner,
    db,
    connect,
    async reset() {
      await owner.query(`
        BEGIN;
        ALTER TABLE audit_events DISABLE TRIGGER USER;
        ALTER TABLE audit_checkpoints DISABLE TRIGGER USER;
        TRUNCATE audit_checkpoints, audit_events;
        ALTER TABLE audit_events ENABLE TRIGGER USER;
        ALTER TABLE audit_checkpoints ENABLE TRIGGER USER;
        COMMIT;
      `);
    },
    async stop() {
      await Promise.all(opened.map((each) => each.destroy()));
      await owner.end();
      await server.stop();
    },
  };
}

/**
 * One audit database for the calling test file, started before its tests, emptied before each
 * and stopped after them. The returned object reads the started database, so it may be captured
 * at the file's top level.
 */
export function useAuditDatabase(): AuditTestDatabase {
  let started: AuditTestDatabase | undefined;
  const current = (): AuditTestDatabase => {
    if (started === undefined) throw new Error('The audit database starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    started = await startAuditDatabase();
  });
  afterAll(async () => {
    await started?.stop();
  });
  beforeEach(() => current().reset());
  return {
    get server() {
      return current().server;
    },
    get owner() {
      return current().owner;
    },
    get db() {
      return current().db;
    },
    connect: (url) => current().connect(url),
    reset: () => current().reset(),
    stop: () => current().stop(),
  };
}
