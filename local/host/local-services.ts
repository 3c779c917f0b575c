import type { PostgresAuditTrail } from '../../shared/audit/postgres-audit-trail.js';
import {
  createIssuerKeySource,
  createTokenVerifier,
  verifierOptionsFrom,
} from '../../shared/auth/token-verifier.js';
import type { AppConfig } from '../../shared/config/app-config.js';
import { createEnvelopeCipher } from '../../shared/crypto/envelope-cipher.js';
import { openLocalKeyRing, type LocalKeyRing } from '../../shared/crypto/local-key-ring.js';
import type { AppDatabase } from '../../shared/db/app-database.js';
import { migrateToLatest } from '../../shared/db/migrate-to-latest.js';
import { createPostgresAppDatabase } from '../../shared/db/postgres-app-database.js';
import { seedFinanceData, type SeedReport } from '../../shared/db/seed/seed-finance-data.js';
import { errorCodeOf } from '../../shared/errors/error-code.js';
import { createRateLimiter } from '../../shared/http/rate-limiter.js';
import { ensurePrivateDirectory } from '../../shared/fs/private-directory.js';
import { resolveInside } from '../../shared/fs/safe-path.js';
import type { Logger } from '../../shared/logging/logger.js';
import type { QueueFunctionDefinition } from '../../shared/registry/function-registry.js';
import type { Services } from '../../shared/runtime/services.js';
import { startAuditStoreThread } from '../audit-store/audit-store-thread.js';
import { startAuditStore, type AuditStoreSettings } from '../audit-store/audit-store.js';
import { openDevIssuer, type DevIssuer } from '../dev-issuer/dev-issuer.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded-postgres.js';
import { createInProcessQueue, type InProcessQueue } from './in-process-queue.js';

export interface LocalServicesOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Folder of the finance CSVs loaded on first start. */
  readonly financeDir: string;
  readonly queueHandlers: readonly QueueFunctionDefinition[];
  /** Run the store in memory instead of under the data directory (tests). */
  readonly inMemoryStore?: boolean;
  /** Skip loading the finance data (tests that bring their own rows). */
  readonly skipSeed?: boolean;
  /**
   * Run the audit store and its trail on a thread of their own (the default), or on this one:
   * the thread's code is loaded from the compiled output, which tests on the sources lack.
   */
  readonly auditStoreThread?: boolean;
}

/** The embedded defaults behind every interface, and what the host needs to stop them. */
export interface LocalServices extends Services {
  readonly issuer: DevIssuer;
  readonly auditTrail: PostgresAuditTrail;
  readonly keyRing: LocalKeyRing;
  readonly queue: InProcessQueue;
  readonly postgres: EmbeddedPostgres;
  /** Owner URL of the audit store (loopback; its password is new each start). */
  readonly auditStoreUrl: string;
  readonly seedReport: SeedReport | undefined;
  close(): Promise<void>;
}

/**
 * Starts the embedded stores and builds the services the local host and tests run on: PGlite
 * over the wire protocol for the records, the local key ring, the development issuer, the audit
 * trail over an embedded store of its own (`<dataDir>/audit-pg`, on its own thread), the
 * in-process queue. Migrations run on every start; the finance data loads on the first.
 */
export async function createLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const { config, logger } = options;
  await ensurePrivateDirectory(config.dataDir, 'Data directory');
  const keyRing = await openLocalKeyRing(resolveInside(config.dataDir, 'keys'));
  const auditSettings: AuditStoreSettings = {
    dataDir: options.inMemoryStore === true ? undefined : resolveInside(config.dataDir, 'audit-pg'),
    outboxDir: resolveInside(config.dataDir, 'audit-outbox'),
    checkpointEvery: config.auditCheckpointEvery,
    signingKey: keyRing.auditSigningKey(),
  };
  // The audit store first: creating each store's cluster on a first start takes a passing peak
  // of memory, and the two peaks should not overlap.
  const auditStore =
    options.auditStoreThread === false
      ? await startAuditStore(auditSettings, logger)
      : await startAuditStoreThread(auditSettings, logger);
  let postgres: EmbeddedPostgres;
  try {
    postgres = await startEmbeddedPostgres(
      options.inMemoryStore === true ? {} : { dataDir: resolveInside(config.dataDir, 'pg') },
    );
  } catch (error) {
    await auditStore.close();
    throw error;
  }
  let db: AppDatabase | undefined;
  try {
    db = createPostgresAppDatabase(postgres.url, logger, { maxConnections: 8 });
    await migrateToLatest(db, logger);
    const cipher = createEnvelopeCipher(keyRing);
    const seedReport =
      options.skipSeed === true
        ? undefined
        : await seedFinanceData({ db, cipher, logger, dir: options.financeDir });
    const auditTrail = await auditStore.open(postgres.url);
    const issuer = await openDevIssuer({
      dataDir: config.dataDir,
      issuer: config.issuer,
      audience: config.audience,
      tenantId: config.tenantId,
    });
    const verifier = createTokenVerifier({
      ...verifierOptionsFrom(config),
      keys: createIssuerKeySource(config.jwksUri),
    });
    const queue = createInProcessQueue({ handlers: options.queueHandlers, logger });
    const openDb = db;
    return {
      config,
      logger,
      verifier,
      rateLimiter: createRateLimiter({ windowSeconds: config.rateLimit.windowSeconds }),
      audit: auditTrail,
      auditTrail,
      db: openDb,
      cipher,
      kek: keyRing,
      keyRing,
      messages: queue,
      queue,
      issuer,
      postgres,
      auditStoreUrl: auditStore.url,
      seedReport,
      async close() {
        await queue.close();
        // Closing goes on: the events are stored; only the tail since the last checkpoint stays
        // unsigned until a later one is signed.
        await auditTrail.checkpoint().catch((error: unknown) => {
          logger.warn('audit.checkpoint_failed', { code: errorCodeOf(error) });
        });
        await openDb.close();
        await auditStore.close();
        await postgres.stop();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await auditStore.close().catch(() => undefined);
    await postgres.stop();
    throw error;
  }
}
