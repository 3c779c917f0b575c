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

/**
 * The audit store's `shared_buffers`. Its working set is the index tails an append touches and
 * one sequential read per verification, so Postgres's 128MB default would mostly hold memory the
 * host needs elsewhere (the whole process stays under 1.5 GB with the finance data loaded).
 */
const AUDIT_SHARED_BUFFERS = '16MB';

/** Where the local audit store keeps its cluster and what its trail needs. */
export interface AuditStoreSettings {
  /** Directory of the audit store's cluster; in memory when undefined. */
  readonly dataDir: string | undefined;
  /** The trail's outbox and its record of the head it last signed. */
  readonly outboxDir: string;
  readonly checkpointEvery: number;
  readonly signingKey: AuditSigningKeyRef;
}

/** A started audit store, before and after its trail opens. */
export interface AuditStore {
  /** Owner URL of the audit store's embedded Postgres (loopback, password new each start). */
  readonly url: string;
  /**
   * Copies a trail the records store at `recordsStoreUrl` kept (see `copyLegacyTrail`), then opens
   * the trail and drains its outbox. Once only.
   */
  open(recordsStoreUrl: string): Promise<PostgresAuditTrail>;
  /** Ends the trail's connection and stops the store; call the trail's `checkpoint()` first. */
  close(): Promise<void>;
}

/**
 * Starts the local audit store, an embedded Postgres of its own, on the calling thread, and
 * applies the migrations (the same as the records store's, so its roles and the audit tables are
 * the same; its record tables stay empty). The trail opens with `open`, once the records store is
 * up: the host starts this store first, so the two stores' first-start peaks of memory (creating
 * a cluster) do not overlap.
 */
export async function startAuditStore(
  settings: AuditStoreSettings,
  logger: Logger,
): Promise<AuditStore> {
  const postgres = await startEmbeddedPostgres({
    ...(settings.dataDir === undefined ? {} : { dataDir: settings.dataDir }),
    sharedBuffers: AUDIT_SHARED_BUFFERS,
  });
  // One connection: the verifier's reads run outside a transaction, which must not interleave
  // with another client's statements on the store's one session.
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1, query_timeout: 20_000 });
  // A dropped connection is reported on the pool and on the client; unheard, it ends the thread.
  pool.on('error', () => logger.warn('audit.pool_error', { store: 'postgres' }));
  pool.on('connect', (client) => client.on('error', () => undefined));
  const close = async (): Promise<void> => {
    await pool.end();
    await postgres.stop();
  };
  const owner = createPostgresAppDatabase(postgres.url, logger, { maxConnections: 1 });
  try {
    await migrateToLatest(owner, logger);
  } catch (error) {
    await owner.close();
    await close();
    throw error;
  }
  let opened: Promise<PostgresAuditTrail> | undefined;
  const open = async (recordsStoreUrl: string): Promise<PostgresAuditTrail> => {
    try {
      await owner.unsafeWithoutScope((db) => copyLegacyTrail(db, recordsStoreUrl, logger));
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
    return trail;
  };
  return {
    url: postgres.url,
    open(recordsStoreUrl) {
      opened ??= open(recordsStoreUrl);
      return opened;
    },
    async close() {
      await owner.close().catch(() => undefined);
      await close();
    },
  };
}
