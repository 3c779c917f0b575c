import { join } from 'node:path';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import type { AuditTables } from '../../shared/audit/audit-tables.js';
import {
  createPostgresAuditTrail,
  type PostgresAuditTrail,
} from '../../shared/audit/postgres-audit-trail.js';
import type { AppDatabase } from '../../shared/db/app-database.js';
import { APP_ROLE } from '../../shared/db/migrations/0001-financial-records.js';
import { createPostgresAppDatabase } from '../../shared/db/postgres-app-database.js';
import { installServices } from '../../shared/runtime/services.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startTestHost, type TestHost } from './test-host.js';

/** How long a request waits for a store connection before it answers 503. */
export const FAULT_CONNECT_TIMEOUT_MS = 1_000;

/** A test host whose handlers reach the stores only through a {@link FaultProxy} each. */
export interface FaultHost {
  readonly t: TestHost;
  /**
   * Both stores' proxies as one: `setMode` takes the records store and the audit store down or
   * up together (one database server, as in Azure); `cutWhen` watches the records store's.
   */
  readonly proxy: FaultProxy;
  /** The handlers' app database (through the proxy). */
  readonly db: AppDatabase;
  /** The handlers' audit trail (through the proxy), spilling to `outboxDir`. */
  readonly audit: PostgresAuditTrail;
  readonly outboxDir: string;
  /** A direct connection to the store, past the proxy, for checking what was written. */
  readonly direct: AppDatabase;
  close(): Promise<void>;
}

/**
 * Starts the real local host (embedded stores, seeded), then swaps the services every handler
 * reads for a copy whose app database and audit trail connect through loopback fault proxies.
 * Everything else (issuer, verifier, rate limits, key ring) is the host's own. No host option is
 * needed: handlers find their services through `getServices()`, which `installServices` sets.
 */
export async function startFaultHost(): Promise<FaultHost> {
  const t = await startTestHost();
  const services = t.host.services;
  const records = await startFaultProxy(services.postgres.url);
  const auditProxy = await startFaultProxy(services.auditStoreUrl);
  const proxy: FaultProxy = {
    url: records.url,
    get mode() {
      return records.mode;
    },
    setMode(mode) {
      records.setMode(mode);
      auditProxy.setMode(mode);
    },
    cutWhen: (pattern) => records.cutWhen(pattern),
    async close() {
      await records.close();
      await auditProxy.close();
    },
  };
  const db = createPostgresAppDatabase(records.url, services.logger, {
    maxConnections: 4,
    connectionTimeoutMs: FAULT_CONNECT_TIMEOUT_MS,
  });
  const auditPool = new pg.Pool({
    connectionString: auditProxy.url,
    max: 1,
    connectionTimeoutMillis: FAULT_CONNECT_TIMEOUT_MS,
  });
  // Dropped connections are reported on the pool and on checked-out clients; unheard, they crash.
  auditPool.on('error', () => undefined);
  auditPool.on('connect', (client) => client.on('error', () => undefined));
  const outboxDir = join(t.dataDir, 'fault-audit-outbox');
  const audit = createPostgresAuditTrail(
    new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool: auditPool }) }),
    {
      signingKey: services.keyRing.auditSigningKey(),
      checkpointEvery: services.config.auditCheckpointEvery,
      logger: services.logger,
      outboxDir,
      role: APP_ROLE,
    },
  );
  installServices(() => Promise.resolve({ ...services, db, audit }));
  return {
    t,
    proxy,
    db,
    audit,
    outboxDir,
    direct: services.db,
    async close() {
      proxy.setMode('up');
      await db.close();
      await auditPool.end();
      await proxy.close();
      await t.close();
    },
  };
}
