import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import type { AuditSigningKeyRef } from '../../shared/audit/audit-checkpoint.js';
import type { AuditTables } from '../../shared/audit/audit-tables.js';
import {
  createPostgresAuditTrail,
  type PostgresAuditTrail,
} from '../../shared/audit/postgres-audit-trail.js';
import { migrateToLatest } from '../../shared/db/migrate-to-latest.js';
import { APP_ROLE } from '../../shared/db/migrations/0001-financial-records.js';
import { createPostgresAppDatabase } from '../../shared/db/postgres-app-database.js';
import type { Logger } from '../../shared/logging/logger.js';
import { startEmbeddedPostgres } from '../embedded-postgres.js';
import { copyLegacyTrail } from './copy-legacy-trail.js';

/** Where the local audit store keeps its cluster and what its trail needs. */
export interface AuditStoreSettings {
  /** Directory of the audit store's cluster; in memory when undefined. */
  readonly dataDir: string | undefined;
  /** The trail's outbox and its record of the head it last signed. */
  readonly outboxDir: string;
  readonly checkpointEvery: number;
  readonly signingKey: AuditSigningKeyRef;
  /** The records store, read once at start for a trail kept there before (see copyLegacyTrail). */
  readonly recordsStoreUrl: string;
}

/** An open audit store: the trail over it, its owner URL and a clean stop. */
export interface OpenAuditStore {
  readonly trail: PostgresAuditTrail;
  /** Owner URL of the audit store's embedded Postgres (loopback, password new each start). */
  readonly url: string;
  /** Ends the trail's connection and stops the store; call `trail.checkpoint()` first. */
  close(): Promise<void>;
}

/**
 * Opens the local audit store, an embedded Postgres of its own, on the calling thread: starts
 * it, applies the migrations (the same as the records store's, so its roles and the audit tables
 * are the same; its record tables stay empty), copies a trail the records store kept, and opens
 * the Postgres audit trail over it as the app role.
 */
export async function openAuditStore(
  settings: AuditStoreSettings,
  logger: Logger,
): Promise<OpenAuditStore> {
  const postgres = await startEmbeddedPostgres(
    settings.dataDir === undefined ? {} : { dataDir: settings.dataDir },
  );
  // One connection: the verifier's reads run outside a transaction, which must not interleave
  // with another client's statements on the store's one session.
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1, query_timeout: 20_000 });
  // A dropped connection is reported on the pool and on the client; unheard, it ends the thread.
  pool.on('error', () => logger.warn('audit.pool_error', { store: 'postgres' }));
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const owner = createPostgresAppDatabase(postgres.url, logger, { maxConnections: 1 });
    try {
      await migrateToLatest(owner, logger);
      await owner.unsafeWithoutScope((db) => copyLegacyTrail(db, settings.recordsStoreUrl, logger));
    } finally {
      await owner.close();
    }
    const trail = createPostgresAuditTrail(
      new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool }) }),
      {
        signingKey: settings.signingKey,
        checkpointEvery: settings.checkpointEvery,
        logger,
        outboxDir: settings.outboxDir,
        role: APP_ROLE,
      },
    );
    await trail.flushOutbox();
    return {
      trail,
      url: postgres.url,
      async close() {
        await pool.end();
        await postgres.stop();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    await postgres.stop();
    throw error;
  }
}
